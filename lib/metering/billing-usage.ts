// GET /api/v1/billing/usage (the Ops Center guide's usage panel): per meter, today and this month,
// with what the plan includes, what was used, what remains, the overage, its cost and the price
// of the next 1,000 units; and the month's credits.
//
// "This month" is the plan-limit period: the subscription's current period for monthly plans, the
// month of the subscription's own schedule for yearly ones (limit-period.ts); without a
// subscription, this UTC month. "Today" is the UTC day.
//
// Credits, from the ledger: included is the plan's includedCredits a month; used is what was spent
// in the period (consumptions, commits and overage, net of refunds); remaining is the balance that
// can be spent now (every bucket, less holds); overage is the debt recorded when the organization
// allows spending past zero, priced at the pay-as-you-go credit price (the smallest pack's).
import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditProducts, type Organization } from "@/lib/db/schema";
import { getCreditBalance } from "@/lib/credits/balance";
import { creditsSpent } from "@/lib/credits/ledger";
import { D, minorToDecimal } from "@/lib/money";
import { liveSubscription, resolvePlan } from "@/lib/subscriptions/subscribe";
import { startOfUtcDay, startOfUtcMonth } from "@/lib/time";
import { hourRange, limitPeriod, type Period } from "./limit-period";
import { meterIndex } from "./meters";
import { cents, includedUnits, pricedUsage, pricePer1k } from "./priced-usage";
import type { BillingUsageJson } from "./schemas";
import { queryUsage } from "./usage-query";

const max0 = (d: InstanceType<typeof D>) => (d.isNegative() ? new D(0) : d);

export async function billingUsage(org: Organization, now = new Date()): Promise<BillingUsageJson> {
  const sub = await liveSubscription(org.id);
  const plan = sub ? await resolvePlan({ id: sub.planId }) : null;
  const month: Period = sub
    ? limitPeriod(sub, now)
    : { start: startOfUtcMonth(now), end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
  const today: Period = { start: startOfUtcDay(now), end: new Date(startOfUtcDay(now).getTime() + 86_400_000) };
  const meters = (await meterIndex()).all.filter((m) => !m.archived);
  const currency = plan?.currency ?? "usd";
  const [priced, daily] = await Promise.all([
    pricedUsage(org.id, meters, hourRange(month), plan),
    queryUsage({ orgId: org.id, meters, range: today }),
  ]);
  const todayBy = new Map(daily.map((u) => [u.meter.id, u.value]));

  const rows = priced.usage.map((u) => {
    const used = u.value ?? "0";
    const included = includedUnits(plan, u.meter.code);
    const limit = plan?.limits.find((l) => l.meter === u.meter.code) ?? null;
    const amount = priced.amountByMeter.get(u.meter.code) ?? null;
    const usedD = new D(used);
    return {
      meter: u.meter.code,
      name: u.meter.name,
      unit: u.meter.unit,
      aggregation: u.meter.aggregation,
      today: todayBy.has(u.meter.id) ? (todayBy.get(u.meter.id) ?? null) : "0",
      this_month: u.value,
      included,
      used,
      remaining: included === null ? null : max0(new D(included).minus(usedD)).toFixed(),
      overage: included === null ? null : max0(usedD.minus(included)).toFixed(),
      overage_cost: amount ? amount.toFixed() : "0",
      overage_cost_cents: amount ? cents(amount, currency) : 0,
      price_per_1k: plan ? pricePer1k(plan.charges, u.meter.code, used) : null,
      limit: limit
        ? {
            limit: limit.limit,
            enforcement: limit.enforcement,
            percent_used: Number(new D(used).div(limit.limit).mul(100).toDecimalPlaces(1).toFixed()),
          }
        : null,
    };
  });

  const usageAmount = [...priced.amountByMeter.values()].reduce((a, b) => a.plus(b), new D(0));
  const [pack] = await db
    .select()
    .from(creditProducts)
    .where(and(eq(creditProducts.active, true), eq(creditProducts.currency, currency)))
    .orderBy(asc(creditProducts.credits))
    .limit(1);
  const pricePerCredit =
    pack && pack.credits > 0 ? new D(minorToDecimal(pack.priceCents, pack.currency)).div(pack.credits) : null;
  const includedCredits = plan?.includedCredits ?? 0;
  const [usedCredits, balance] = await Promise.all([
    creditsSpent(org.id, month.start, month.end),
    getCreditBalance(org.id, { now }),
  ]);
  const overageCredits = balance?.overage ?? 0;
  const overageCost = pricePerCredit ? pricePerCredit.mul(overageCredits) : null;

  return {
    customer_id: org.id,
    external_customer_id: org.externalId,
    currency,
    plan: plan ? { id: plan.id, code: plan.code, name: plan.name } : null,
    today: { start: today.start.toISOString(), end: today.end.toISOString() },
    this_month: { start: month.start.toISOString(), end: month.end.toISOString() },
    meters: rows,
    usage_cost: usageAmount.toFixed(),
    usage_cost_cents: cents(usageAmount, currency),
    credits: {
      source: "ledger" as const,
      included: includedCredits,
      used: usedCredits,
      remaining: balance?.balance ?? 0,
      held: balance?.held ?? 0,
      overage: overageCredits,
      overage_cost: overageCost ? overageCost.toFixed() : null,
      overage_cost_cents: overageCost ? cents(overageCost, currency) : null,
      price_per_1k: pricePerCredit ? pricePerCredit.mul(1000).toFixed() : null,
    },
  };
}
