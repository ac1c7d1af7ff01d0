import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatInteger, formatMoney } from "@/lib/format";
import type { CustomerListRow } from "@/lib/revenue/lists";
import { SortHeader } from "./sort-header";

type Sorting = { sort: string; order: "asc" | "desc"; href: (sort: string, order: "asc" | "desc") => string };

export function CustomersTable({
  rows,
  search,
  filtered,
  sorting,
  currency,
}: {
  rows: CustomerListRow[];
  search?: string;
  filtered?: boolean;
  sorting: Sorting;
  currency: string;
}) {
  if (rows.length === 0) {
    return (
      <EmptyState
        title={
          search
            ? `No customer matches “${search}”`
            : filtered
              ? "No customer matches these filters"
              : "No customers yet"
        }
      >
        {search
          ? "Try a name, an email or an external id."
          : "Customers appear here when they sign up or are created over the API."}
      </EmptyState>
    );
  }
  const sortable = (label: string, column: string, align?: "right") => (
    <SortHeader label={label} column={column} align={align} {...sorting} />
  );
  return (
    <Table label="Customers">
      <thead>
        <tr>
          {sortable("Customer", "name")}
          <Th>Plan</Th>
          <Th>Status</Th>
          {sortable("MRR", "mrr", "right")}
          {sortable("Credit balance", "credit_balance", "right")}
          <Th align="right">Usage this calendar month</Th>
          {sortable("Customer since", "customer_since")}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((c) => (
          <tr key={c.id} className="hover:bg-zinc-50" data-testid="customer-row">
            <Td>
              <Link href={`/admin/customers/${c.id}`} className="font-medium text-zinc-900 hover:text-brand-700">
                {c.name}
              </Link>
              <div className="text-xs text-zinc-500">{c.externalId ?? c.email ?? c.id}</div>
            </Td>
            <Td>
              {c.plan ? (
                `${c.plan.name} (${c.plan.interval === "year" ? "yearly" : "monthly"})`
              ) : (
                <span className="text-zinc-500">No plan</span>
              )}
              {c.discountPercent && c.discountPercent !== "0" && (
                <div className="text-xs text-zinc-500">{c.discountPercent} % off</div>
              )}
            </Td>
            <Td>
              <StatusBadge status={c.status ?? "none"} />
            </Td>
            <Td align="right" className="text-zinc-900">
              <span data-testid="customer-mrr-cell">{formatMoney(c.mrrCents, c.plan?.currency ?? currency)}</span>
            </Td>
            <Td align="right" className={c.creditBalance < 0 ? "text-red-700" : undefined}>
              <span data-testid="customer-credit-balance-cell">{formatInteger(c.creditBalance)}</span>
            </Td>
            <Td align="right">
              {c.usageChargesCents ? (
                formatMoney(c.usageChargesCents, c.plan?.currency ?? currency)
              ) : (
                <span className="text-zinc-500">—</span>
              )}
            </Td>
            <Td>
              <span data-testid="customer-since-cell">{formatDate(c.customerSince)}</span>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
