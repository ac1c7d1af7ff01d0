import Link from "next/link";
import { Badge, StatusBadge, TestBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatMoney } from "@/lib/format";
import type { SubscriptionListRow } from "@/lib/revenue/lists";
import { SortHeader } from "./sort-header";

type Sorting = { sort: string; order: "asc" | "desc"; href: (sort: string, order: "asc" | "desc") => string };

export function SubscriptionsTable({
  rows,
  sorting,
  emptyTitle,
}: {
  rows: SubscriptionListRow[];
  sorting: Sorting;
  emptyTitle: string;
}) {
  if (rows.length === 0)
    return (
      <EmptyState title={emptyTitle}>
        Subscriptions appear here when customers subscribe, through checkout or the API.
      </EmptyState>
    );
  const sortable = (label: string, column: string, align?: "right") => (
    <SortHeader label={label} column={column} align={align} {...sorting} />
  );
  return (
    <Table label="Subscriptions">
      <thead>
        <tr>
          {sortable("Customer", "customer")}
          <Th>Plan</Th>
          <Th>Status</Th>
          {sortable("MRR", "mrr", "right")}
          {sortable("Started", "created")}
          {sortable("Period ends", "period_end")}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((s) => (
          <tr key={s.id} className="hover:bg-zinc-50" data-testid="subscription-row">
            <Td>
              <Link href={`/admin/customers/${s.orgId}`} className="font-medium text-zinc-900 hover:text-brand-700">
                {s.customerName}
              </Link>
              <div className="font-mono text-xs text-zinc-500">{s.externalId ?? s.id}</div>
            </Td>
            <Td>
              {s.planName} ({s.interval === "year" ? "yearly" : "monthly"}) ·{" "}
              {formatMoney(s.basePriceCents, s.currency)}
              {s.discountPercent !== "0" && <div className="text-xs text-zinc-500">{s.discountPercent} % off</div>}
            </Td>
            <Td>
              <StatusBadge status={s.status} />
              {!s.livemode && <TestBadge className="ml-1" />}
              {s.cancelAtPeriodEnd && s.status !== "canceled" && (
                <Badge tone="amber" className="ml-1">
                  cancels at period end
                </Badge>
              )}
            </Td>
            <Td align="right" className="text-zinc-900">
              {formatMoney(s.mrrCents, s.currency)}
            </Td>
            <Td>{formatDate(s.createdAt)}</Td>
            <Td>
              {s.status === "canceled" || s.status === "expired"
                ? `ended ${formatDate(s.endedAt)}`
                : formatDate(s.currentPeriodEnd)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
