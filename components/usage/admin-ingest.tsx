import { formatInteger } from "@/lib/format";
import { CutText } from "@/components/ui/cut-text";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";

export type RawEvent = {
  id: string;
  event_id: string;
  event_name: string;
  timestamp: string;
  ingested_at: string;
  source: string | null;
  properties: Record<string, unknown>;
  id_generated: boolean;
};
export type LogEntry = {
  id: number;
  receivedAt: string;
  outcome: string;
  eventId: string | null;
  eventName: string | null;
  customerRef: string | null;
  field: string | null;
  reason: string;
  via: string;
  orgId?: string | null;
  customerName?: string | null;
};

const props = (p: Record<string, unknown>) => {
  const text = JSON.stringify(p);
  return text.length > 90 ? `${text.slice(0, 90)}…` : text;
};

/** The customer's latest stored events (newest event time first), each with its id source. */
export function RawEventsTable({ events, generatedCount }: { events: RawEvent[]; generatedCount: number }) {
  return (
    <Card>
      <CardHeader
        title="Recent events"
        description={
          generatedCount > 0 ? (
            <span className="text-amber-700">
              {formatInteger(generatedCount)} events in the last 30 days came without an id: a retry of those counts
              twice. Ask the sender to set event_id.
            </span>
          ) : (
            "Every event in the last 30 days came with its own id."
          )
        }
      />
      {events.length === 0 ? (
        <EmptyState title="No events stored">
          Events sent over the API appear here as soon as they are accepted.
        </EmptyState>
      ) : (
        <Table label="Recent events">
          <thead>
            <tr>
              <Th>Status</Th>
              <Th>Event</Th>
              <Th>Id</Th>
              <Th>Time</Th>
              <Th>Received</Th>
              <Th>Properties</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" data-testid="raw-events">
            {events.map((e) => (
              <tr key={e.id}>
                <Td>
                  <Badge tone="green">accepted</Badge>
                </Td>
                {/* Long names and ids are cut with the whole value on hover, and Properties wraps, so every
                    column stays in the card at a desktop's width whatever the sender named things. */}
                <Td className="font-mono text-xs">
                  <CutText text={e.event_name} className="max-w-[11rem]" />
                </Td>
                <Td className="font-mono text-xs">
                  <CutText text={e.event_id} className="max-w-[10rem]" />
                  {e.id_generated && <Badge tone="amber">server-made</Badge>}
                </Td>
                <Td>
                  <LocalTime value={e.timestamp} />
                </Td>
                <Td>
                  <LocalTime value={e.ingested_at} mode="relative" />
                </Td>
                <Td wrap>
                  <div
                    className="line-clamp-2 min-w-[8rem] max-w-[16rem] break-all font-mono text-xs"
                    title={JSON.stringify(e.properties)}
                  >
                    {props(e.properties)}
                  </div>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

/** Items that were not stored: duplicates and rejections with the field and reason (kept 7 days). */
export function IngestLogTable({
  entries,
  counts,
  showCustomer = false,
}: {
  entries: LogEntry[];
  counts?: { duplicate: number; rejected: number };
  showCustomer?: boolean;
}) {
  return (
    <Card>
      <CardHeader
        title="Duplicates and rejections"
        description={
          counts
            ? `Last 7 days: ${formatInteger(counts.rejected)} rejected, ${formatInteger(counts.duplicate)} duplicates (kept 7 days, at most 1,000 per customer).`
            : "Kept 7 days, at most 1,000 per customer."
        }
      />
      {entries.length === 0 ? (
        <EmptyState title="Nothing rejected">Every event sent was stored.</EmptyState>
      ) : (
        <Table label="Duplicates and rejections">
          <thead>
            <tr>
              <Th>Status</Th>
              {showCustomer && <Th>Customer</Th>}
              <Th>Event</Th>
              <Th>Id</Th>
              <Th>Reason</Th>
              <Th>Received</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" data-testid="ingest-log">
            {entries.map((l) => (
              <tr key={l.id}>
                <Td>
                  <Badge tone={l.outcome === "rejected" ? "red" : "gray"}>{l.outcome}</Badge>
                </Td>
                {showCustomer && (
                  <Td>
                    {l.orgId ? (
                      <Link className="text-brand-600 hover:text-brand-700" href={`/admin/customers/${l.orgId}/usage`}>
                        {l.customerName ?? l.orgId}
                      </Link>
                    ) : (
                      <span className="text-zinc-500">unknown ({l.customerRef ?? "none named"})</span>
                    )}
                  </Td>
                )}
                {/* As in Recent events: long names and ids are cut, whole on hover, so the reason stays in the card. */}
                <Td className="font-mono text-xs">
                  <CutText text={l.eventName} className="max-w-[11rem]" />
                </Td>
                <Td className="font-mono text-xs">
                  <CutText text={l.eventId} className="max-w-[10rem]" />
                </Td>
                <Td wrap>
                  <div className="min-w-[14rem] max-w-sm text-sm wrap-anywhere">
                    {l.field && <span className="font-mono text-xs text-zinc-900">{l.field}: </span>}
                    {l.reason}
                    <span className="ml-1 text-xs text-zinc-500">via {l.via}</span>
                  </div>
                </Td>
                <Td>
                  <LocalTime value={l.receivedAt} mode="relative" />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
