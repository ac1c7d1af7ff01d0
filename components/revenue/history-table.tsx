import { formatMoney } from "@/lib/format";
import { Badge, StatusBadge, TestBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { CustomerHistoryRow } from "@/lib/revenue/customer-detail";

const ACTION_LABEL: Record<string, string> = {
  created: "Subscribed",
  trial_started: "Trial started",
  activated: "Trial converted",
  renewed: "Renewed",
  plan_changed: "Plan changed",
  plan_change_scheduled: "Plan change scheduled",
  cancel_scheduled: "Cancellation scheduled",
  cancel_unscheduled: "Cancellation withdrawn",
  past_due: "Payment failed",
  recovered: "Payment recovered",
  canceled: "Canceled",
  expired: "Expired",
  reactivated: "Reactivated",
  discount_changed: "Discount changed",
  addon_changed: "Add-on changed",
};

/** Every change of the customer's subscriptions, newest first, with the MRR after it. */
export function HistoryTable({ rows }: { rows: CustomerHistoryRow[] }) {
  if (rows.length === 0)
    return <EmptyState title="No subscription history">This customer has never subscribed to a plan.</EmptyState>;
  return (
    <Table label="Subscription history">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Change</Th>
          <Th>Status after</Th>
          <Th>Plan</Th>
          <Th align="right">MRR after</Th>
          <Th>By</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((h) => (
          <tr key={h.id} data-testid="history-row">
            <Td>
              <LocalTime value={h.occurredAt} />
            </Td>
            <Td wrap>
              {ACTION_LABEL[h.action] ?? h.action}
              {h.comment && <div className="text-xs text-zinc-500">{h.comment}</div>}
            </Td>
            <Td>
              <StatusBadge status={h.status} />
              {!h.livemode && <TestBadge className="ml-1" />}
              {h.cancelAtPeriodEnd && h.status !== "canceled" && (
                <Badge tone="amber" className="ml-1">
                  cancels at period end
                </Badge>
              )}
            </Td>
            <Td>
              {h.planName} ({h.interval === "year" ? "yearly" : "monthly"}) ·{" "}
              {formatMoney(h.basePriceCents, h.currency)}
              {h.discountPercent !== "0" && <span className="text-xs text-zinc-500"> · {h.discountPercent} % off</span>}
            </Td>
            <Td align="right" className="text-zinc-900">
              {formatMoney(h.mrrCents, h.currency)}
            </Td>
            <Td wrap className="max-w-56 break-words text-xs text-zinc-500">
              {h.actor}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
