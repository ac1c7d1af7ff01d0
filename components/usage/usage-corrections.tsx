// The admin's usage corrections for one customer: a form that retracts events sent wrong (by time
// range, optionally one event name, or by event ids) with a reason, and the audit trail of every
// correction — who, when, why, which events, and what moved (docs/usage-corrections.md).
import { randomUUID } from "node:crypto";
import { QuickForm } from "@/components/catalog/quick-form";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger } from "@/lib/format";
import type { FormActionFn } from "@/lib/http/action-state";
import { selectorSummary } from "@/lib/metering/correction-message";
import type { CorrectionJson } from "@/lib/metering/corrections";

const STATUS_TONE: Record<CorrectionJson["status"], BadgeTone> = {
  completed: "green",
  running: "amber",
  pending: "amber",
  failed: "red",
};

export function UsageCorrections({
  orgId,
  corrections,
  action,
  preview,
  requesters,
}: {
  orgId: string;
  corrections: CorrectionJson[];
  action: FormActionFn<CorrectionJson>;
  /** What the form would retract now, as it is filled in. */
  preview: FormActionFn<string>;
  /** Who requested each (user:… / key:…), as a name to show. */
  requesters: Record<string, string>;
}) {
  return (
    <Card id="corrections">
      <CardHeader
        title="Correct usage"
        description="Retract events that were sent wrong: by event time (optionally of one event name), or by their ids. Before the period is billed, usage, limits, the upcoming invoice and spent credits reflect it at once; after, the next bill credits it — an issued invoice never changes. Send corrected events over the API under new ids. Every correction is kept below."
      />
      <QuickForm
        action={action}
        preview={preview}
        submitLabel="Retract events"
        hidden={{ org_id: orgId, idempotency_key: randomUUID() }}
        fields={[
          { name: "from", label: "From (UTC)", type: "datetime-local" },
          { name: "to", label: "To (UTC)", type: "datetime-local", hint: "Events before this time." },
          {
            name: "event_name",
            label: "Event name",
            placeholder: "api_call",
            hint: "Empty: every event in the range.",
          },
          {
            name: "event_ids",
            label: "Or event ids",
            placeholder: "evt-1, evt-2",
            hint: "Instead of a range; commas or spaces between.",
          },
          { name: "reason", label: "Reason", placeholder: "double-counted after a retry", required: true },
        ]}
      />
      {corrections.length === 0 ? (
        <EmptyState title="No corrections">Retracted events and why will be listed here.</EmptyState>
      ) : (
        <Table label="Usage corrections">
          <thead>
            <tr>
              <Th>Requested</Th>
              <Th>Why, and which events</Th>
              <Th>Status</Th>
              <Th align="right">Retracted</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" data-testid="usage-corrections">
            {corrections.map((c) => (
              <tr key={c.id}>
                <Td>
                  <LocalTime value={c.created_at} />
                  <div className="text-xs text-zinc-500">{requesters[c.requested_by] ?? c.requested_by}</div>
                </Td>
                <Td>
                  <div className="max-w-[24rem]">{c.reason}</div>
                  <div className="max-w-[24rem] font-mono text-xs break-words text-zinc-500">
                    {selectorSummary(c.selector)}
                  </div>
                </Td>
                <Td>
                  <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge>
                  {c.error && <div className="mt-1 text-xs text-red-700">{c.error}</div>}
                </Td>
                <Td align="right" className="tabular">
                  {formatInteger(c.events_retracted)}
                  {(c.events_in_billed_periods > 0 || c.credits_refunded > 0) && (
                    <div className="text-xs text-zinc-500">
                      {c.events_in_billed_periods > 0 && (
                        <>{formatInteger(c.events_in_billed_periods)} already billed</>
                      )}
                      {c.events_in_billed_periods > 0 && c.credits_refunded > 0 && " · "}
                      {c.credits_refunded > 0 && <>{formatInteger(c.credits_refunded)} credits back</>}
                    </div>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
