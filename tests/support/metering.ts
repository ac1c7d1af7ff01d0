// Metering test data: meters with unique codes and event names (meters are platform-wide), plans
// with limits and charges, and a subscribed customer.
import { insertMeter, insertPlan } from "@/lib/catalog/seed-catalog";
import type { Aggregation, PlanLimit } from "@/lib/db/schema";
import { invalidateLimitedMeters } from "@/lib/metering/limit-alerts";
import { invalidateMeters } from "@/lib/metering/meters";
import type { Charge } from "@/lib/rating/types";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { uid } from "./fixtures";

export async function makeMeter(
  v: {
    aggregation?: Aggregation;
    property?: string;
    eventName?: string;
    filters?: Record<string, string[]>;
    groupBy?: string[];
    unit?: string;
    code?: string;
  } = {},
) {
  const id = uid();
  const meter = await insertMeter({
    code: v.code ?? `m_${id}`,
    name: `Meter ${id}`,
    eventName: v.eventName ?? `ev_${id}`,
    aggregation: v.aggregation ?? "count",
    property: v.property ?? null,
    filters: v.filters ?? {},
    groupBy: v.groupBy ?? [],
    unit: v.unit ?? "unit",
  });
  invalidateMeters();
  return meter;
}

export async function makePlan(
  v: {
    limits?: PlanLimit[];
    charges?: Charge[];
    interval?: "month" | "year";
    includedCredits?: number;
    basePriceCents?: number;
  } = {},
) {
  const id = uid();
  const plan = await insertPlan({
    code: `plan-${id}`,
    tier: `tier-${id}`,
    name: `Plan ${id}`,
    interval: v.interval ?? "month",
    currency: "usd",
    basePriceCents: v.basePriceCents ?? 0,
    limits: v.limits ?? [],
    charges: v.charges ?? [],
    includedCredits: v.includedCredits ?? 0,
  });
  invalidateLimitedMeters();
  return plan;
}

export async function subscribeTo(orgId: string, planId: string, now = new Date()) {
  return subscribe(orgId, { plan: { id: planId }, actor: "test", now, skipTrial: true });
}
