import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger, formatMoney, formatPercent } from "@/lib/format";
import type { EconomicsJson, MarginJson } from "@/lib/revenue/schemas";

/** A tier's or customer's revenue and margin (GET /api/v1/admin/revenue/economics), with how the table labels it. */
type MarginRow = MarginJson & { key: string; label: string; sub?: string; href?: string };

export function MarginTable({ rows, currency, empty }: { rows: MarginRow[]; currency: string; empty: string }) {
  if (rows.length === 0) return <EmptyState title={empty} />;
  const m = (cents: number) => formatMoney(cents, currency);
  return (
    <Table label="Revenue, cost and margin">
      <thead>
        <tr>
          <Th />
          <Th align="right">Subscriptions</Th>
          <Th align="right">Usage</Th>
          <Th align="right">Credit packs</Th>
          <Th align="right">Revenue</Th>
          <Th align="right">Provider cost</Th>
          <Th align="right">Margin</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((r) => (
          <tr key={r.key} data-testid="margin-row">
            <Td>
              {r.href ? (
                <Link href={r.href} className="font-medium text-zinc-900 hover:text-brand-700">
                  {r.label}
                </Link>
              ) : (
                <span className="font-medium text-zinc-900">{r.label}</span>
              )}
              {r.sub && <div className="text-xs text-zinc-500">{r.sub}</div>}
            </Td>
            <Td align="right">{m(r.subscription_revenue_cents)}</Td>
            <Td align="right">{m(r.usage_revenue_cents)}</Td>
            <Td align="right">{m(r.credit_pack_revenue_cents)}</Td>
            <Td align="right" className="text-zinc-900">
              {m(r.revenue_cents)}
            </Td>
            <Td align="right">{m(r.cost_cents)}</Td>
            <Td align="right" className={r.margin_cents < 0 ? "font-medium text-red-700" : "font-medium text-zinc-900"}>
              {m(r.margin_cents)}
              <div className="text-xs font-normal text-zinc-500">{formatPercent(r.margin_rate)}</div>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

type CreditsRow = EconomicsJson["credits_by_tier"][number];

export function CreditsByTierTable({ rows }: { rows: CreditsRow[] }) {
  if (rows.length === 0) return <EmptyState title="No credit movements in this month" />;
  return (
    <Table label="Credits by tier">
      <thead>
        <tr>
          <Th>Tier</Th>
          <Th align="right">Customers</Th>
          <Th align="right">Granted by plan</Th>
          <Th align="right">Purchased</Th>
          <Th align="right">Promotional</Th>
          <Th align="right">Consumed</Th>
          <Th align="right">Used</Th>
          <Th align="right">Expired</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((r) => (
          <tr key={r.tier}>
            <Td className="font-medium text-zinc-900">{r.name}</Td>
            <Td align="right">{formatInteger(r.customers)}</Td>
            <Td align="right">{formatInteger(r.granted.subscription)}</Td>
            <Td align="right">{formatInteger(r.granted.purchased)}</Td>
            <Td align="right">{formatInteger(r.granted.promotional)}</Td>
            <Td align="right" className="text-zinc-900">
              {formatInteger(r.consumed)}
            </Td>
            <Td align="right">{formatPercent(r.consumed_rate)}</Td>
            <Td align="right">{formatInteger(r.expired)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
