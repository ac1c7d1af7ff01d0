import { formatMoney, formatPaymentMethodLabel } from "@/lib/format";
import Link from "next/link";
import { Badge, TestBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { ChargeRow } from "@/lib/revenue/lists";
import { SortHeader } from "./sort-header";

type Sorting = { sort: string; order: "asc" | "desc"; href: (sort: string, order: "asc" | "desc") => string };

const TONE = {
  succeeded: "green",
  failed: "red",
  refunded: "gray",
  partially_refunded: "amber",
  pending: "blue",
} as const;

export function ChargesTable({
  rows,
  sorting,
  showCustomer = true,
}: {
  rows: ChargeRow[];
  sorting?: Sorting;
  showCustomer?: boolean;
}) {
  if (rows.length === 0)
    return (
      <EmptyState title="No charges yet">
        Card payments for subscriptions and credit packs appear here, with their refunds.
      </EmptyState>
    );
  return (
    <Table label="Charges">
      <thead>
        <tr>
          {sorting ? <SortHeader label="Date" column="created" {...sorting} /> : <Th>Date</Th>}
          {showCustomer && <Th>Customer</Th>}
          <Th>What</Th>
          <Th>Status</Th>
          {sorting ? (
            <SortHeader label="Amount" column="amount" align="right" {...sorting} />
          ) : (
            <Th align="right">Amount</Th>
          )}
          <Th align="right">Refunded</Th>
          <Th align="right">Net</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((c) => (
          <tr key={c.id} className="hover:bg-zinc-50" data-testid="charge-row">
            <Td className="text-xs">
              <LocalTime value={c.createdAt} />
            </Td>
            {showCustomer && (
              // A long customer name wraps rather than pushing Net off the card at 1440 px.
              <Td wrap className="min-w-32 max-w-48">
                <Link href={`/admin/customers/${c.orgId}`} className="font-medium text-zinc-900 hover:text-brand-700">
                  {c.customerName}
                </Link>
              </Td>
            )}
            <Td wrap className="min-w-56">
              {c.description}
              {c.kind === "credits" && (
                <Badge tone="brand" className="ml-2">
                  credits
                </Badge>
              )}
              {!c.livemode && <TestBadge />}
              <div className="text-xs text-zinc-500">
                {c.invoiceNumber ? `${c.invoiceNumber} · ` : ""}
                {c.paymentMethodLabel ? formatPaymentMethodLabel(c.paymentMethodLabel) : c.provider}
              </div>
              {c.failureMessage && <div className="text-xs text-red-600">{c.failureMessage}</div>}
            </Td>
            <Td>
              <Badge tone={TONE[c.status] ?? "gray"}>{c.status.replace("_", " ")}</Badge>
            </Td>
            <Td align="right">{formatMoney(c.amountCents, c.currency)}</Td>
            <Td align="right" className={c.amountRefundedCents ? "text-amber-700" : "text-zinc-500"}>
              {c.amountRefundedCents ? `−${formatMoney(c.amountRefundedCents, c.currency)}` : "—"}
            </Td>
            <Td align="right" className="font-medium text-zinc-900">
              {formatMoney(c.netCents, c.currency)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
