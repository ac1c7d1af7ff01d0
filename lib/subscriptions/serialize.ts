import type { Plan, Subscription } from "@/lib/db/schema";
import { minorToDecimal } from "@/lib/money";
import type { SubscriptionJson } from "./schemas";

export function subscriptionJson(s: Subscription, plan: Plan): SubscriptionJson {
  return {
    id: s.id,
    object: "subscription",
    customer_id: s.orgId,
    external_id: s.externalId,
    status: s.status,
    plan: { id: plan.id, code: plan.code, version: plan.version, name: plan.name, tier: plan.tier },
    interval: s.interval,
    amount: minorToDecimal(plan.basePriceCents, plan.currency),
    amount_cents: plan.basePriceCents,
    currency: plan.currency,
    current_period_start: s.currentPeriodStart.toISOString(),
    current_period_end: s.currentPeriodEnd.toISOString(),
    trial_end: s.trialEnd?.toISOString() ?? null,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    canceled_at: s.canceledAt?.toISOString() ?? null,
    ended_at: s.endedAt?.toISOString() ?? null,
    pending_plan_id: s.pendingPlanId,
    provider: s.provider,
    stripe_subscription_id: s.stripeSubscriptionId,
    created_at: s.createdAt.toISOString(),
  };
}
