// GET /api/v1/customers/{id}/usage-summary (the FlexPrice guide's usage summary): a customer's
// total usage and its cost per meter for a period, priced with the rating engine against the
// customer's current plan. Amounts are exact decimal strings plus `_cents` (rounded half-up once
// per figure; the total is rounded from the exact total, so meter cents may differ from it by a
// cent in sum).
import "server-only";
import type { Organization } from "@/lib/db/schema";
import { invalidField } from "@/lib/http/errors";
import { D } from "@/lib/money";
import { liveSubscription, resolvePlan } from "@/lib/subscriptions/subscribe";
import { addDays, startOfUtcMonth } from "@/lib/time";
import { hourRange, type Period } from "./limit-period";
import { meterIndex } from "./meters";
import { cents, pricedUsage } from "./priced-usage";
import type { UsageSummaryJson } from "./schemas";

export async function usageSummary(
  org: Organization,
  input: { start_time?: Date; end_time?: Date },
  now = new Date(),
): Promise<UsageSummaryJson> {
  const sub = await liveSubscription(org.id);
  const plan = sub ? await resolvePlan({ id: sub.planId }) : null;
  const fallback: Period = sub
    ? { start: sub.currentPeriodStart, end: sub.currentPeriodEnd }
    : { start: startOfUtcMonth(now), end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
  const period = {
    start: input.start_time ?? fallback.start,
    end: input.end_time ?? (input.start_time ? addDays(input.start_time, 31) : fallback.end),
  };
  if (period.end <= period.start) throw invalidField("end_time", "must be after start_time");
  const range = hourRange(period);
  const meters = (await meterIndex()).all.filter(
    (m) => !m.archived || plan?.charges.some((c) => c.type === "usage" && c.meter === m.code),
  );
  const priced = await pricedUsage(org.id, meters, range, plan);
  const currency = plan?.currency ?? "usd";
  const rated = priced.rated;
  return {
    customer_id: org.id,
    external_customer_id: org.externalId,
    start_time: period.start.toISOString(),
    end_time: period.end.toISOString(),
    // Rollups are hourly: the figures cover these whole UTC hours.
    usage_from: range.start.toISOString(),
    usage_to: range.end.toISOString(),
    plan: plan ? { id: plan.id, code: plan.code, name: plan.name, version: plan.version } : null,
    subscription_id: sub?.id ?? null,
    currency,
    usage: priced.usage.map((u) => {
      const amount = priced.amountByMeter.get(u.meter.code);
      const q = priced.quantities[u.meter.code];
      return {
        meter: u.meter.code,
        name: u.meter.name,
        event_name: u.meter.eventName,
        aggregation: u.meter.aggregation,
        unit: u.meter.unit,
        quantity: u.value ?? "0",
        ...(q && typeof q === "object" ? { quantity_by_group: q.groups } : {}),
        priced: amount !== undefined,
        amount: amount ? amount.toFixed() : "0",
        amount_cents: amount ? cents(amount, currency) : 0,
        lines: (priced.linesByMeter.get(u.meter.code) ?? []).map((l) => ({
          name: l.name,
          quantity: l.quantity,
          billable_quantity: l.billable_quantity,
          amount: l.amount,
          parts: l.parts,
          ...(l.unpriced ? { unpriced: l.unpriced } : {}),
        })),
      };
    }),
    fixed_charges: (rated?.lines ?? [])
      .filter((l) => l.type === "fixed")
      .map((l) => ({ name: l.name, amount: l.amount, amount_cents: cents(l.amount, currency) })),
    usage_amount: [...priced.amountByMeter.values()].reduce((a, b) => a.plus(b), new D(0)).toFixed(),
    total_amount: rated ? rated.amount : "0",
    total_amount_cents: rated ? rated.amount_minor : 0,
    unpriced_meters: rated?.unpriced_meters ?? [],
  };
}
