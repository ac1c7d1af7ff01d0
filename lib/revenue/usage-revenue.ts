// Usage revenue of a month — one definition (docs/metrics.md, "Usage revenue") for every page and
// endpoint that shows it: the revenue table's month rows (GET /api/v1/admin/revenue/series), the
// economics page and its tiers and customers (GET /api/v1/admin/revenue/economics). A customer's
// usage in the calendar month (UTC, from the metering rollups) is rated with the plan of its live
// (livemode) subscription at the month's end — or now, for the current month — usage charges only;
// the month's figure is the exact sum over customers, rounded once.
import "server-only";
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { decimal, label, selectRows, text } from "@/lib/db/rows";
import { LIVE_STATUSES, plans, type Plan, type SubscriptionStatus } from "@/lib/db/schema";
import { hourRange } from "@/lib/metering/limit-period";
import { D, roundToMinor, type Dec } from "@/lib/money";
import type { Month } from "./movements";
import { ZERO } from "./mrr";
import { mrrHundredTwelfthsSql } from "./mrr-sql";
import { ratedUsage } from "./usage-cost";

export const NO_TIER = "(none)";
const live = new Set<SubscriptionStatus>(LIVE_STATUSES);

export type SubscriptionState = { twelfths: Dec; tier: string; planId: string | null };

/** Each customer's MRR (exact, in twelfths of a minor unit), tier and plan at `asOf`, from the newest history row of each of its subscriptions. */
export async function subscriptionStateAt(
  currency: string,
  asOf: Date,
  tx: Executor = db,
): Promise<Map<string, SubscriptionState>> {
  const mrr = mrrHundredTwelfthsSql({
    status: sql`h.status`,
    interval: sql`h.interval`,
    basePriceCents: sql`h.base_price_cents`,
    discountPercent: sql`h.discount_percent`,
    discountAmountCents: sql`h.discount_amount_cents`,
    addonCents: sql`h.addon_cents`,
    livemode: sql`h.livemode`,
  });
  const list = await selectRows(
    { org_id: text, status: label<SubscriptionStatus>(), tier: text, plan_id: text, mrr100: decimal },
    sql`select distinct on (h.subscription_id) h.org_id, h.status, p.tier, h.plan_id, (case when h.currency = ${currency} then ${mrr} else 0 end)::text as mrr100
        from subscription_history h join plans p on p.id = h.plan_id
        -- A test (sandbox) subscription earns nothing: no MRR, and its usage is not rated as revenue.
        where h.occurred_at < ${asOf.toISOString()}::timestamptz and h.livemode
        order by h.subscription_id, h.occurred_at desc, h.recorded_at desc, h.id desc`,
    tx,
  );
  const out = new Map<string, SubscriptionState>();
  for (const r of list) {
    const twelfths = new D(r.mrr100).div(100);
    const cur = out.get(r.org_id) ?? { twelfths: ZERO, tier: NO_TIER, planId: null };
    // One live subscription per customer: its plan and tier are the customer's.
    const isLive = live.has(r.status);
    out.set(r.org_id, {
      twelfths: cur.twelfths.plus(twelfths),
      tier: isLive ? r.tier : cur.tier,
      planId: isLive ? r.plan_id : cur.planId,
    });
  }
  return out;
}

/** The plan each customer's usage is rated with: the plan of its live subscription in `states`. */
export function plansOf(states: Map<string, SubscriptionState>, allPlans: Plan[]): Map<string, Plan> {
  const byId = new Map(allPlans.map((p) => [p.id, p]));
  const out = new Map<string, Plan>();
  for (const [orgId, s] of states) {
    const plan = s.planId ? byId.get(s.planId) : undefined;
    if (plan) out.set(orgId, plan);
  }
  return out;
}

/** The instant a month's plans are read at: its end, or now for the current month. */
export const monthAsOf = (month: Month, now: Date) => (month.end < now ? month.end : now);

/** The month's usage revenue figure: the exact sum of the customers' rated usage, rounded once. */
export function usageRevenueCents(byOrg: Iterable<Dec>, currency: string): number {
  let total = ZERO;
  for (const d of byOrg) total = total.plus(d);
  return roundToMinor(total, currency);
}

/** Usage revenue of each month, in minor units of `currency` (the revenue table's Usage column). */
export async function usageRevenueByMonth(
  currency: string,
  months: Month[],
  now: Date,
  tx: Executor = db,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const past = months.filter((m) => m.start < now);
  if (past.length === 0) return out;
  const allPlans = await tx.select().from(plans);
  for (const month of past) {
    const states = await subscriptionStateAt(currency, monthAsOf(month, now), tx);
    const rated = await ratedUsage(hourRange(month), plansOf(states, allPlans), currency, tx);
    out.set(month.key, usageRevenueCents(rated.values(), currency));
  }
  return out;
}
