// The platform's billing figures now: customers, subscriptions by status, MRR, ARR, ARPU and the
// tier breakdown — from Tally's own tables (subscriptions and the plan rows they point at; plan
// rows are versioned, so their prices never change under a subscription), never from Stripe.
// Definitions: docs/metrics.md. One aggregate query does the work, so it stays fast at scale.
import "server-only";
import { eq, min, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { decimal, int, label, selectRows, text, type RowOf } from "@/lib/db/rows";
import { organizations, plans, type SubscriptionStatus } from "@/lib/db/schema";
import { D, minorToDecimal, type Dec } from "@/lib/money";
import { arpuMinor, arrMinor, ratio, twelfthsToMinor, ZERO } from "./mrr";
import { mrrHundredTwelfthsSql } from "./mrr-sql";
import type { BillingStatsJson } from "./schemas";

export const DEFAULT_CURRENCY = "usd";

const groupedRow = {
  currency: text,
  tier: text,
  status: label<SubscriptionStatus>(),
  n: int,
  paying: int,
  mrr100: decimal,
};
type Row = RowOf<typeof groupedRow>;

export type TierFigures = {
  tier: string;
  name: string;
  /** Live subscriptions: trialing, active and past due. */
  subscriptions: number;
  active: number;
  trialing: number;
  pastDue: number;
  paying: number;
  mrrTwelfths: Dec;
};

export type BillingStats = {
  asOf: Date;
  currency: string;
  totalCustomers: number;
  payingCustomers: number;
  byStatus: Record<SubscriptionStatus, number>;
  mrrTwelfths: Dec;
  tiers: TierFigures[];
  otherCurrencies: { currency: string; payingCustomers: number; mrrTwelfths: Dec }[];
};

const LIVE = new Set<SubscriptionStatus>(["trialing", "active", "past_due"]);

/** The reporting currency: the one with the most MRR (usd when nothing is paid yet). */
function mainCurrency(list: Row[], wanted?: string): string {
  if (wanted) return wanted.toLowerCase();
  const byCurrency = new Map<string, Dec>();
  for (const r of list) byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? ZERO).plus(r.mrr100));
  let best = DEFAULT_CURRENCY;
  let max = ZERO;
  for (const [c, v] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) if (v.gt(max)) [best, max] = [c, v];
  return best;
}

/** The currency figures are reported in when none is asked for: the one with the most MRR (usd when nothing is paid yet). */
export async function reportingCurrency(tx: Executor = db): Promise<string> {
  const mrr = mrrHundredTwelfthsSql({
    status: sql`s.status`,
    interval: sql`s.interval`,
    basePriceCents: sql`p.base_price_cents`,
    discountPercent: sql`s.discount_percent`,
    discountAmountCents: sql`s.discount_amount_cents`,
    addonCents: sql`s.addon_cents`,
    livemode: sql`s.livemode`,
  });
  const [top] = await selectRows(
    { currency: text },
    sql`select p.currency from subscriptions s join plans p on p.id = s.plan_id where s.status in ('active', 'past_due') and s.livemode
        group by p.currency having sum(${mrr}) > 0 order by sum(${mrr}) desc, p.currency limit 1`,
    tx,
  );
  return top?.currency ?? DEFAULT_CURRENCY;
}

export async function billingStats(
  opts: { currency?: string; now?: Date } = {},
  tx: Executor = db,
): Promise<BillingStats> {
  const mrr = mrrHundredTwelfthsSql({
    status: sql`s.status`,
    interval: sql`s.interval`,
    basePriceCents: sql`p.base_price_cents`,
    discountPercent: sql`s.discount_percent`,
    discountAmountCents: sql`s.discount_amount_cents`,
    addonCents: sql`s.addon_cents`,
    livemode: sql`s.livemode`,
  });
  const [grouped, tierNames, customers] = await Promise.all([
    selectRows(
      groupedRow,
      sql`select p.currency, p.tier, s.status, count(*)::int as n, count(*) filter (where ${mrr} > 0)::int as paying, sum(${mrr})::text as mrr100
          from subscriptions s join plans p on p.id = s.plan_id
          -- Test (sandbox) subscriptions are served but are not the business: no counts, no MRR.
          where s.livemode
          group by p.currency, p.tier, s.status`,
      tx,
    ),
    // Tier labels and order from the catalog's newest plan versions.
    tx
      .select({ tier: plans.tier, name: min(plans.name), order: min(plans.sortOrder) })
      .from(plans)
      .where(eq(plans.isLatest, true))
      .groupBy(plans.tier),
    tx.$count(organizations),
  ]);
  const currency = mainCurrency(grouped, opts.currency);
  const byStatus = { incomplete: 0, trialing: 0, active: 0, past_due: 0, canceled: 0, expired: 0 } as Record<
    SubscriptionStatus,
    number
  >;
  const tiers = new Map<string, TierFigures>();
  const meta = new Map(tierNames.map((t) => [t.tier, t]));
  const others = new Map<string, { payingCustomers: number; mrrTwelfths: Dec }>();
  let total = ZERO;
  let paying = 0;
  for (const r of grouped) {
    byStatus[r.status] += r.n;
    const twelfths = new D(r.mrr100).div(100);
    if (r.currency !== currency) {
      const o = others.get(r.currency) ?? { payingCustomers: 0, mrrTwelfths: ZERO };
      o.payingCustomers += r.paying;
      o.mrrTwelfths = o.mrrTwelfths.plus(twelfths);
      others.set(r.currency, o);
      continue;
    }
    total = total.plus(twelfths);
    // One live subscription per customer (a unique index), so paying subscriptions are paying customers.
    paying += r.paying;
    if (!LIVE.has(r.status)) continue;
    const t = tiers.get(r.tier) ?? {
      tier: r.tier,
      name: meta.get(r.tier)?.name ?? r.tier,
      subscriptions: 0,
      active: 0,
      trialing: 0,
      pastDue: 0,
      paying: 0,
      mrrTwelfths: ZERO,
    };
    t.subscriptions += r.n;
    if (r.status === "active") t.active += r.n;
    if (r.status === "trialing") t.trialing += r.n;
    if (r.status === "past_due") t.pastDue += r.n;
    t.paying += r.paying;
    t.mrrTwelfths = t.mrrTwelfths.plus(twelfths);
    tiers.set(r.tier, t);
  }
  const order = (tier: string) => meta.get(tier)?.order ?? Number.MAX_SAFE_INTEGER;
  return {
    asOf: opts.now ?? new Date(),
    currency,
    totalCustomers: customers,
    payingCustomers: paying,
    byStatus,
    mrrTwelfths: total,
    tiers: [...tiers.values()].sort((a, b) => order(a.tier) - order(b.tier) || a.tier.localeCompare(b.tier)),
    otherCurrencies: [...others].filter(([, o]) => o.mrrTwelfths.gt(0)).map(([c, o]) => ({ currency: c, ...o })),
  };
}

export function billingStatsJson(s: BillingStats): BillingStatsJson {
  const mrr = twelfthsToMinor(s.mrrTwelfths);
  return {
    object: "billing_stats" as const,
    as_of: s.asOf.toISOString(),
    currency: s.currency,
    total_customers: s.totalCustomers,
    paying_customers: s.payingCustomers,
    active_subscriptions: s.byStatus.active,
    trialing_subscriptions: s.byStatus.trialing,
    past_due_subscriptions: s.byStatus.past_due,
    incomplete_subscriptions: s.byStatus.incomplete,
    canceled_subscriptions: s.byStatus.canceled + s.byStatus.expired,
    mrr_cents: mrr,
    arr_cents: arrMinor(s.mrrTwelfths),
    arpu_cents: arpuMinor(s.mrrTwelfths, s.payingCustomers),
    tiers: s.tiers.map((t) => ({
      tier: t.tier,
      name: t.name,
      subscriptions: t.subscriptions,
      active: t.active,
      trialing: t.trialing,
      past_due: t.pastDue,
      paying: t.paying,
      mrr_cents: twelfthsToMinor(t.mrrTwelfths),
      mrr_share: ratio(t.mrrTwelfths, s.mrrTwelfths),
    })),
    other_currencies: s.otherCurrencies.map((o) => ({
      currency: o.currency,
      paying_customers: o.payingCustomers,
      mrr_cents: twelfthsToMinor(o.mrrTwelfths),
      arr_cents: arrMinor(o.mrrTwelfths),
    })),
    // The Ops Center guide's names for the same figures, amounts as decimals in the major unit.
    monthly_revenue: minorToDecimal(mrr, s.currency),
    trial_subscriptions: s.byStatus.trialing,
    tier_breakdown: Object.fromEntries(
      s.tiers.map((t) => [
        t.tier,
        { count: t.subscriptions, revenue: minorToDecimal(twelfthsToMinor(t.mrrTwelfths), s.currency) },
      ]),
    ),
  };
}
