// Credit and usage economics of one month: what credits brought in and still owe, what expired,
// what each tier was granted and used, what usage charges earned, and what the usage cost the
// operator at the provider's model prices — so an operator selling AI usage sees which tier loses
// money. Definitions: docs/metrics.md.
import "server-only";
import { db, type Executor } from "@/lib/db/client";
import {
  breakage,
  creditPackSales,
  creditsByTier,
  deferredRevenue,
  type Breakage,
  type CreditPackSales,
  type DeferredRevenue,
  type TierCredits,
} from "./credit-economics";
import { parseMonth, type Month } from "./movements";
import { ratio } from "./mrr";
import type { EconomicsJson } from "./schemas";
import { reportingCurrency } from "./stats";
import { monthAsOf } from "./usage-revenue";
import { usageEconomics, type CustomerEconomics, type TierEconomics } from "./usage-economics";

export type Economics = {
  month: Month;
  currency: string;
  creditPacks: CreditPackSales;
  deferred: DeferredRevenue;
  breakage: Breakage;
  creditsByTier: TierCredits[];
  tiers: TierEconomics[];
  customers: CustomerEconomics[];
  tierNames: Map<string, string>;
  usageRevenueCents: number;
};

export async function revenueEconomics(
  opts: { month?: string; currency?: string; limit?: number; now?: Date } = {},
  tx: Executor = db,
): Promise<Economics> {
  const now = opts.now ?? new Date();
  const month = parseMonth(opts.month ?? now.toISOString().slice(0, 7));
  const currency = opts.currency ?? (await reportingCurrency(tx));
  const asOf = monthAsOf(month, now);
  const [creditPacks, deferred, expired, byTier, usage] = await Promise.all([
    creditPackSales(currency, month, tx),
    deferredRevenue(currency, asOf, tx),
    breakage(currency, month, tx),
    creditsByTier(month, tx),
    usageEconomics({ currency, month, asOf, limit: opts.limit ?? 50 }, tx),
  ]);
  return {
    month,
    currency,
    creditPacks,
    deferred,
    breakage: expired,
    creditsByTier: byTier,
    tiers: usage.tiers,
    customers: usage.customers,
    tierNames: usage.tierNames,
    usageRevenueCents: usage.usageRevenueCents,
  };
}

export function economicsJson(e: Economics): EconomicsJson {
  const name = (tier: string) => e.tierNames.get(tier) ?? tier;
  const money = (m: {
    subscriptionCents: number;
    usageCents: number;
    creditPackCents: number;
    revenueCents: number;
    costCents: number;
  }) => ({
    subscription_revenue_cents: m.subscriptionCents,
    usage_revenue_cents: m.usageCents,
    credit_pack_revenue_cents: m.creditPackCents,
    revenue_cents: m.revenueCents,
    cost_cents: m.costCents,
    margin_cents: m.revenueCents - m.costCents,
    margin_rate: ratio(m.revenueCents - m.costCents, m.revenueCents),
  });
  return {
    object: "revenue_economics" as const,
    month: e.month.key,
    currency: e.currency,
    credit_packs: {
      packs_sold: e.creditPacks.packsSold,
      gross_cents: e.creditPacks.grossCents,
      refunded_cents: e.creditPacks.refundedCents,
      net_cents: e.creditPacks.netCents,
    },
    deferred_revenue: {
      as_of: e.deferred.asOf.toISOString(),
      credits: e.deferred.credits,
      value_cents: e.deferred.valueCents,
      unpriced_credits: e.deferred.unpricedCredits,
    },
    breakage: {
      credits: e.breakage.credits,
      total_credits: e.breakage.total,
      purchased_value_cents: e.breakage.purchasedValueCents,
    },
    credits_by_tier: e.creditsByTier.map((t) => ({
      tier: t.tier,
      name: name(t.tier),
      customers: t.customers,
      granted: { ...t.granted, total: t.grantedTotal },
      consumed: t.consumed,
      expired: t.expired,
      consumed_rate: ratio(t.consumed, t.grantedTotal),
    })),
    usage_revenue_cents: e.usageRevenueCents,
    cost_cents: e.tiers.reduce((s, t) => s + t.costCents, 0),
    totals: money(
      e.tiers.reduce(
        (a, t) => ({
          subscriptionCents: a.subscriptionCents + t.subscriptionCents,
          usageCents: a.usageCents + t.usageCents,
          creditPackCents: a.creditPackCents + t.creditPackCents,
          revenueCents: a.revenueCents + t.revenueCents,
          costCents: a.costCents + t.costCents,
        }),
        { subscriptionCents: 0, usageCents: 0, creditPackCents: 0, revenueCents: 0, costCents: 0 },
      ),
    ),
    tiers: e.tiers.map((t) => ({ tier: t.tier, name: name(t.tier), customers: t.customers, ...money(t) })),
    customers: e.customers.map((c) => ({
      customer_id: c.orgId,
      name: c.name,
      tier: c.tier,
      ...money(c),
      tokens: c.tokens,
    })),
  };
}
