import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger, formatMoney, formatPercent } from "@/lib/format";
import type { TierStatsJson } from "@/lib/revenue/schemas";

/** A tier of GET /api/v1/admin/billing/stats. */
export type TierRow = TierStatsJson;

/** The tier breakdown: live subscriptions and MRR per plan tier (monthly and yearly plans together). */
export function TierTable({ tiers, currency }: { tiers: TierRow[]; currency: string }) {
  if (tiers.length === 0)
    return <EmptyState title="No subscriptions yet">Tiers appear here once customers subscribe to plans.</EmptyState>;
  return (
    <Table label="MRR by tier">
      <thead>
        <tr>
          <Th>Tier</Th>
          <Th align="right">Subscriptions</Th>
          <Th align="right">Trialing</Th>
          <Th align="right">Past due</Th>
          <Th align="right">MRR</Th>
          <Th align="right">Share</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {tiers.map((t) => (
          <tr key={t.tier} data-testid={`tier-${t.tier}`}>
            <Td className="font-medium text-zinc-900">{t.name}</Td>
            <Td align="right">{formatInteger(t.subscriptions)}</Td>
            <Td align="right">{formatInteger(t.trialing)}</Td>
            <Td align="right">{formatInteger(t.past_due)}</Td>
            <Td align="right" className="text-zinc-900">
              <span data-testid="tier-mrr">{formatMoney(t.mrr_cents, currency)}</span>
            </Td>
            <Td align="right">{formatPercent(t.mrr_share)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
