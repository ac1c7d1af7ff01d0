// A list of webhook endpoints: where each sends, what, whether it is on (and why not), and how its
// last delivery went.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";

import type { LastDelivery, WebhookEndpoint } from "@/lib/outbound-webhooks/endpoints";
import { DeliveryStatus } from "./delivery-status";

export function eventTypesSummary(types: string[]): string {
  if (types.length === 0) return "All events";
  if (types.length <= 2) return types.join(", ");
  return `${types.slice(0, 2).join(", ")} and ${types.length - 2} more`;
}

export function EndpointsTable({
  endpoints,
  last,
  base,
  empty,
  label = "Webhook endpoints",
}: {
  endpoints: WebhookEndpoint[];
  last: Map<string, LastDelivery>;
  base: string;
  empty: React.ReactNode;
  label?: string;
}) {
  if (endpoints.length === 0) return <EmptyState title="No endpoints yet">{empty}</EmptyState>;
  return (
    <Table label={label}>
      <thead>
        <tr>
          <Th>URL</Th>
          <Th>Events</Th>
          <Th>Status</Th>
          <Th>Last delivery</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {endpoints.map((e) => {
          const l = last.get(e.id);
          return (
            <tr key={e.id} className="align-top">
              <Td wrap className="min-w-48 max-w-xs">
                <Link
                  href={`${base}/${e.id}`}
                  className="break-all font-medium text-brand-700 underline-offset-2 hover:underline"
                >
                  {e.url}
                </Link>
                {e.description && <div className="text-xs text-zinc-500">{e.description}</div>}
              </Td>
              <Td wrap className="max-w-xs text-xs">
                {eventTypesSummary(e.eventTypes)}
              </Td>
              <Td wrap className="max-w-xs">
                {e.status === "enabled" ? <Badge tone="green">enabled</Badge> : <Badge tone="red">disabled</Badge>}
                {e.disabledReason && <div className="mt-1 text-xs text-zinc-600">{e.disabledReason}</div>}
              </Td>
              <Td wrap>
                {l ? (
                  <>
                    <DeliveryStatus status={l.status} responseStatus={l.lastResponseStatus} />
                    <div className="mt-1 text-xs text-zinc-500">
                      <span className="font-mono">{l.eventType}</span> ·{" "}
                      <LocalTime value={l.createdAt} mode="relative" />
                    </div>
                  </>
                ) : (
                  <span className="text-zinc-500">none yet</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
