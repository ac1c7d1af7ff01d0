// Moving the subscribers of a plan's older versions to its newest: the preview lists who moves,
// what their price becomes and when, and who stays (and why); one confirmed action moves them all.
import { ScrollArea } from "@/components/ui/scroll-area";
import { ActionButton } from "@/components/ui/action-button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate } from "@/lib/format";
import type { FormActionFn } from "@/lib/http/action-state";
import { formatMoney } from "@/lib/format";
import type { VersionMovePreview, VersionMoveRow } from "@/lib/payments/plan-version-move";

function change(r: VersionMoveRow) {
  if (r.change_cents === 0) return "No change";
  const sign = r.change_cents > 0 ? "+" : "−";
  return `${sign}${formatMoney(Math.abs(r.change_cents), r.currency)}`;
}

function MoveTable({ rows, interval, caption }: { rows: VersionMoveRow[]; interval: string; caption: string }) {
  return (
    <Table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <Th>Customer</Th>
          <Th>From</Th>
          <Th align="right">Price now</Th>
          <Th align="right">New price</Th>
          <Th align="right">Change / {interval}</Th>
          <Th>Moves on</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((r) => (
          <tr key={r.subscription_id}>
            <Td wrap className="max-w-[12rem]">
              {r.customer}
            </Td>
            <Td>v{r.from_version}</Td>
            <Td align="right">{formatMoney(r.from_price_cents, r.currency)}</Td>
            <Td align="right">{formatMoney(r.to_price_cents, r.currency)}</Td>
            <Td align="right">
              {change(r)}
              {r.other_terms_change && <span className="block text-xs text-zinc-500">usage terms change too</span>}
            </Td>
            <Td>{formatDate(r.effective_at)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function VersionMove({
  preview,
  action,
}: {
  preview: VersionMovePreview;
  action: FormActionFn<{ moved: number; skipped: number; version: number }>;
}) {
  const { plan, moves, skipped } = preview;
  if (moves.length === 0 && skipped.length === 0) return null;
  const n = moves.length;
  const who = `${n} subscriber${n === 1 ? "" : "s"}`;
  return (
    <Card className="min-w-0 lg:col-span-3">
      <CardHeader
        title={`Subscribers on earlier versions`}
        description={`They keep their version until you move them. A move takes effect at the end of each subscriber's current period — no proration — and every later period is billed at version ${plan.version}'s terms.`}
        action={
          n > 0 ? (
            <ActionButton
              action={action}
              fields={{ id: plan.id, subscription_ids: moves.map((m) => m.subscription_id).join(",") }}
              label={`Move ${who} to version ${plan.version}`}
              pendingLabel="Moving…"
              variant="primary"
              confirm={{
                title: `Move ${who} to version ${plan.version}?`,
                body: (
                  <>
                    <p>
                      Each moves at the end of their current period; their price from then on is shown below. They see
                      the change on their billing page at once.
                    </p>
                    <ScrollArea className="max-h-72 overflow-auto" label="Subscribers who move">
                      <MoveTable rows={moves} interval={plan.interval} caption="Subscribers who move" />
                    </ScrollArea>
                    {skipped.length > 0 && (
                      <p className="text-xs text-zinc-500">
                        {skipped.length} other{skipped.length === 1 ? "" : "s"} stay{skipped.length === 1 ? "s" : ""}{" "}
                        where they are (listed on the page).
                      </p>
                    )}
                  </>
                ),
                confirmLabel: `Move ${who}`,
                keepLabel: "Not now",
              }}
            />
          ) : undefined
        }
      />
      {n > 0 ? (
        <MoveTable rows={moves} interval={plan.interval} caption="Subscribers who move" />
      ) : (
        <CardBody>
          <p className="text-sm text-zinc-500">No one can be moved right now.</p>
        </CardBody>
      )}
      {skipped.length > 0 && (
        <CardBody className="border-t border-zinc-100">
          <p className="text-sm font-medium text-zinc-700">Not moved</p>
          <ul className="mt-1 space-y-1 text-sm text-zinc-600">
            {skipped.map((r) => (
              <li key={r.subscription_id}>
                {r.customer} (v{r.from_version}) {r.skipped}.
              </li>
            ))}
          </ul>
        </CardBody>
      )}
    </Card>
  );
}
