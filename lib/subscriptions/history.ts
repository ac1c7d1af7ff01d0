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
import { emitSubscriptionChanges } from "@/lib/outbound-webhooks/events";

type HistoryOpts = {
  fromStatus?: SubscriptionStatus | null;
  fromPlanId?: string | null;
  actor: string;
  occurredAt: Date;
  comment?: string;
  details?: Record<string, unknown>;
};

export type HistoryEntry = {
  sub: Subscription;
  plan: Pick<Plan, "id" | "basePriceCents" | "currency">;
  action: SubscriptionAction;
  opts: HistoryOpts;
};

export async function recordHistory(
  tx: Executor,
  sub: Subscription,
  plan: Pick<Plan, "id" | "basePriceCents" | "currency">,
  action: SubscriptionAction,
  opts: HistoryOpts,
): Promise<void> {
  await recordHistories(tx, [{ sub, plan, action, opts }]);
}

/** Many changes' rows in one statement (the rollover renews a batch of subscriptions at once). */
export async function recordHistories(tx: Executor, entries: HistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(subscriptionHistory).values(
    entries.map(({ sub, plan, action, opts }) => ({
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
      discountAmountCents: sub.discountAmountCents,
      addonCents: sub.addonCents,
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      livemode: sub.livemode,
      actor: opts.actor,
      comment: opts.comment ?? null,
      details: opts.details ?? {},
    })),
  );
  // The webhook events of the same changes, in the same transaction (outbound webhooks' outbox).
  await emitSubscriptionChanges(
    tx,
    entries.map(({ sub, action, opts }) => ({
      sub,
      action,
      fromStatus: opts.fromStatus,
      fromPlanId: opts.fromPlanId,
      occurredAt: opts.occurredAt,
    })),
  );
}
