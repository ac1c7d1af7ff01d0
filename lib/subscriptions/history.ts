// The subscription history: one row per change, holding the state after it.
import "server-only";
import type { Executor } from "@/lib/db/client";
import {
  subscriptionHistory,
  type Plan,
  type Subscription,
  type SubscriptionAction,
  type SubscriptionStatus,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";

export async function recordHistory(
  x: Executor,
  sub: Subscription,
  plan: Pick<Plan, "id" | "basePriceCents" | "currency">,
  action: SubscriptionAction,
  opts: {
    fromStatus?: SubscriptionStatus | null;
    fromPlanId?: string | null;
    actor: string;
    occurredAt: Date;
    comment?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await x.insert(subscriptionHistory).values({
    id: newId("sbh"),
    orgId: sub.orgId,
    subscriptionId: sub.id,
    occurredAt: opts.occurredAt,
    action,
    fromStatus: opts.fromStatus ?? null,
    status: sub.status,
    fromPlanId: opts.fromPlanId ?? null,
    planId: plan.id,
    interval: sub.interval,
    basePriceCents: plan.basePriceCents,
    currency: plan.currency,
    discountPercent: sub.discountPercent,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    livemode: sub.livemode,
    actor: opts.actor,
    comment: opts.comment ?? null,
    details: opts.details ?? {},
  });
}
