// An endpoint's delivery log: each delivery's event, state, attempts, last answer and its duration.
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { DeliveryWithLog } from "@/lib/outbound-webhooks/endpoints";
import { DeliveryStatus } from "./delivery-status";

export function DeliveriesTable({
  deliveries,
  deliveryBase,
}: {
  deliveries: DeliveryWithLog[];
  /** Where delivery pages live: "/webhook-deliveries" or "/admin/webhook-deliveries". */
  deliveryBase: string;
}) {
  if (deliveries.length === 0)
    return (
      <EmptyState title="No deliveries yet">
        Events this endpoint subscribes to appear here as they happen. Send a test event to try it now.
      </EmptyState>
    );
  return (
    <Table label="Deliveries">
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Event</Th>
          <Th>Status</Th>
          <Th align="right">Attempts</Th>
          <Th align="right">Duration</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {deliveries.map((d) => {
          const last = d.attemptsLog[0];
          return (
            <tr key={d.id} className="align-top" data-testid="webhook-delivery-row">
              <Td>
                <LocalTime value={d.createdAt} />
              </Td>
              <Td>
                <Link
                  href={`${deliveryBase}/${d.id}`}
                  className="font-mono text-xs text-brand-700 underline-offset-2 hover:underline"
                  aria-label={`${d.eventType}: open the delivery's request and response`}
                >
                  {d.eventType}
                </Link>
                {d.replayOf && <div className="text-xs text-zinc-500">replay</div>}
              </Td>
              <Td wrap className="max-w-xs">
                <DeliveryStatus status={d.status} responseStatus={d.lastResponseStatus} />
                {d.lastError && d.status !== "delivered" && d.lastError !== `HTTP ${d.lastResponseStatus}` && (
                  <div className="mt-1 break-words text-xs text-red-600">{d.lastError}</div>
                )}
                {d.status === "pending" && d.attempts > 0 && (
                  <div className="mt-1 text-xs text-zinc-500">
                    next try <LocalTime value={d.nextAttemptAt} mode="relative" />
                  </div>
                )}
              </Td>
              <Td align="right">{d.attempts}</Td>
              <Td align="right">{last ? `${last.durationMs} ms` : "—"}</Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
