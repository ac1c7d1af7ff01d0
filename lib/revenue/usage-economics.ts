// Revenue, cost and margin of a month, per customer and per tier. Revenue = the subscription's
// MRR (its monthly value at the month's end) + usage charges rated for the month + credit packs
// bought in it (net of refunds); cost = the customer's LLM tokens at the provider's model prices in
// effect when they were used. Definitions: docs/metrics.md.
import "server-only";
import Decimal from "decimal.js";
import { eq, min, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { int, selectRows, text } from "@/lib/db/rows";
import { organizations, plans } from "@/lib/db/schema";
import { hourRange } from "@/lib/metering/limit-period";
import { D, minorExponent, roundToMinor, type Dec } from "@/lib/money";
import type { Month } from "./movements";
import { twelfthsToMinor, ZERO } from "./mrr";
import { COLLECTED_STATUSES, paymentNetOfTax } from "./non-recurring";
import { usageByCustomer, type CustomerUsage } from "./usage-cost";
import { NO_TIER, plansOf, subscriptionStateAt, usageRevenueCents } from "./usage-revenue";

type Money = {
  subscriptionCents: number;
  usageCents: number;
  creditPackCents: number;
  revenueCents: number;
  costCents: number;
};
export type TierEconomics = Money & { tier: string; customers: number };
export type CustomerEconomics = Money & {
  orgId: string;
  name: string;
  tier: string;
  tokens: { input: string; output: string };
};

type Acc = { twelfths: Dec; usage: Dec; packs: number; cost: Dec };

const collected = sql.raw(COLLECTED_STATUSES.map((s) => `'${s}'`).join(", "));
const NONE = NO_TIER;

async function packRevenueByOrg(currency: string, month: Month, tx: Executor) {
  const list = await selectRows(
    { org_id: text, cents: int },
    sql`select org_id, sum(${paymentNetOfTax()})::text as cents from payments
        where kind = 'credits' and status in (${collected}) and currency = ${currency} and livemode
          and created_at >= ${month.start.toISOString()}::timestamptz and created_at < ${month.end.toISOString()}::timestamptz
        group by org_id`,
    tx,
  );
  return new Map(list.map((r) => [r.org_id, r.cents]));
}

export async function usageEconomics(
  opts: { currency: string; month: Month; asOf: Date; limit: number },
  tx: Executor = db,
) {
  const [states, packs, names, tierRows, allPlans] = await Promise.all([
    subscriptionStateAt(opts.currency, opts.asOf, tx),
    packRevenueByOrg(opts.currency, opts.month, tx),
    tx.select({ id: organizations.id, name: organizations.name }).from(organizations),
    tx
      .select({ tier: plans.tier, name: min(plans.name) })
      .from(plans)
      .where(eq(plans.isLatest, true))
      .groupBy(plans.tier),
    tx.select().from(plans),
  ]);
  // Usage is rated with the plan each customer was on at the month's end (or now, this month): usage-revenue.ts.
  const usage = await usageByCustomer(opts.currency, hourRange(opts.month), plansOf(states, allPlans), tx);
  const orgIds = new Set([...states.keys(), ...packs.keys(), ...usage.keys()]);
  const orgName = new Map(names.map((n) => [n.id, n.name]));
  const tiers = new Map<string, Acc & { customers: number }>();
  const customers: (CustomerEconomics & { costExact: Dec })[] = [];
  for (const orgId of orgIds) {
    const s = states.get(orgId);
    const u: CustomerUsage | undefined = usage.get(orgId);
    const acc: Acc = {
      twelfths: s?.twelfths ?? ZERO,
      usage: u?.revenue ?? ZERO,
      packs: packs.get(orgId) ?? 0,
      cost: u?.cost ?? ZERO,
    };
    if (acc.twelfths.isZero() && acc.usage.isZero() && acc.packs === 0 && acc.cost.isZero()) continue;
    const tier = s?.tier ?? NONE;
    const t = tiers.get(tier) ?? { twelfths: ZERO, usage: ZERO, packs: 0, cost: ZERO, customers: 0 };
    t.twelfths = t.twelfths.plus(acc.twelfths);
    t.usage = t.usage.plus(acc.usage);
    t.packs += acc.packs;
    t.cost = t.cost.plus(acc.cost);
    t.customers++;
    tiers.set(tier, t);
    customers.push({
      orgId,
      name: orgName.get(orgId) ?? orgId,
      tier,
      ...money(acc, opts.currency),
      tokens: { input: u?.inputTokens ?? "0", output: u?.outputTokens ?? "0" },
      costExact: acc.cost,
    });
  }
  customers.sort(
    (a, b) => b.costExact.cmp(a.costExact) || b.revenueCents - a.revenueCents || a.name.localeCompare(b.name),
  );
  return {
    tiers: [...tiers]
      .map(([tier, t]) => ({ tier, customers: t.customers, ...money(t, opts.currency) }))
      .sort((a, b) => b.revenueCents - a.revenueCents || a.tier.localeCompare(b.tier)),
    customers: customers.slice(0, opts.limit).map(({ costExact: _c, ...c }) => c),
    tierNames: new Map(tierRows.map((r) => [r.tier, r.name ?? r.tier])),
    /** The month's usage revenue (usage-revenue.ts): every customer's, not only the listed ones. */
    usageRevenueCents: usageRevenueCents(
      [...usage.values()].map((u) => u.revenue),
      opts.currency,
    ),
  };
}

/** Each figure rounded once from its exact sum; revenue is the exact sum of its parts, rounded once. */
function money(a: Acc, currency: string): Money {
  const subscription = a.twelfths.div(12);
  // Usage is in major units (as rated); the rest in minor units.
  const revenue = subscription.plus(a.usage.mul(new D(10).pow(minorExponent(currency)))).plus(a.packs);
  return {
    subscriptionCents: twelfthsToMinor(a.twelfths),
    usageCents: roundToMinor(a.usage, currency),
    creditPackCents: a.packs,
    revenueCents: revenue.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber(),
    costCents: roundToMinor(a.cost, currency),
  };
}
