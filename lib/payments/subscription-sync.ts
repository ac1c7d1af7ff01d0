// Converging a local subscription on Stripe's state. Whatever order webhooks arrive in, the handler
// re-reads the subscription from Stripe and applies it, unless the state it read is older than the
// one already applied (stateAt < providerUpdatedAt): so a subscription never moves backwards.
// Every change writes a history row; a new period grants the plan's credits (afterPeriodStarted).
import "server-only";
import { and, desc, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import {
  LIVE_STATUSES,
  organizations,
  plans,
  subscriptions,
  type Plan,
  type Subscription,
  type SubscriptionAction,
  type SubscriptionStatus,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import type { StripeSubscriptionState } from "@/lib/stripe/billing";
import { recordHistories, recordHistory, type HistoryEntry } from "@/lib/subscriptions/history";
import { recordProviderDiscount } from "@/lib/coupons/redeem";
import { syncStripeAddonItems } from "@/lib/addons/stripe-sync";
import { afterPeriodStarted, afterSubscriptionEnded } from "@/lib/subscriptions/hooks";
import { DRAFT_GRACE_MS, enqueueStripePeriodUsage } from "./stripe-period-usage";

const STATUS: Record<string, SubscriptionStatus> = {
  incomplete: "incomplete",
  incomplete_expired: "expired",
  trialing: "trialing",
  active: "active",
  past_due: "past_due",
  unpaid: "past_due",
  paused: "past_due",
  canceled: "canceled",
};

async function orgFor(tx: Executor, s: StripeSubscriptionState): Promise<string | null> {
  const [byCustomer] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.stripeCustomerId, s.customerId));
  if (byCustomer) return byCustomer.id;
  const fromMeta = s.metadata.tally_org_id;
  if (fromMeta) {
    const [org] = await tx
      .select({ id: organizations.id, stripeCustomerId: organizations.stripeCustomerId })
      .from(organizations)
      .where(eq(organizations.id, fromMeta));
    if (org) {
      if (!org.stripeCustomerId)
        await tx.update(organizations).set({ stripeCustomerId: s.customerId }).where(eq(organizations.id, org.id));
      return org.id;
    }
  }
  return null;
}

/** The newest plan version linked to a Stripe price (null: no price, or no plan has it). */
export async function planFor(tx: Executor, priceId: string | null): Promise<Plan | null> {
  if (!priceId) return null;
  const [p] = await tx
    .select()
    .from(plans)
    .where(eq(plans.stripePriceId, priceId))
    .orderBy(desc(plans.version))
    .limit(1);
  return p ?? null;
}

export type ApplyResult = {
  outcome: "created" | "updated" | "unchanged" | "stale" | "unknown_customer" | "unknown_price";
  subscriptionId?: string;
  orgId?: string;
  /** Credits granted per add-on id by converging the add-ons on Stripe's items. */
  addonCredits?: Map<string, number>;
};

export async function applyStripeSubscription(
  tx: Executor,
  s: StripeSubscriptionState,
  ctx: {
    at: Date;
    actor: string;
    reason?: string | null;
    /** Adoption: when the subscription began at Stripe; its history starts there (adoptedHistory). */
    startedAt?: Date | null;
  },
): Promise<ApplyResult> {
  const [orgId, plan] = await Promise.all([orgFor(tx, s), planFor(tx, s.priceId)]);
  if (!orgId) return { outcome: "unknown_customer" };
  if (!plan) return { outcome: "unknown_price", orgId };
  const status = STATUS[s.status] ?? "active";
  const periodStart = s.currentPeriodStart ?? ctx.at;
  const periodEnd = s.currentPeriodEnd ?? periodStart;
  const [existing] = await tx
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, s.id))
    .for("update");

  if (!existing) {
    // A subscription started elsewhere (e.g. a manual one) gives way to the paid one.
    if (LIVE_STATUSES.includes(status as (typeof LIVE_STATUSES)[number])) {
      const others = await tx
        .select()
        .from(subscriptions)
        .where(
          and(
            eq(subscriptions.orgId, orgId),
            inArray(subscriptions.status, [...LIVE_STATUSES]),
            ne(subscriptions.provider, "stripe"),
          ),
        );
      for (const other of others) {
        const [ended] = await tx
          .update(subscriptions)
          .set({ status: "canceled", endedAt: ctx.at, canceledAt: ctx.at, updatedAt: ctx.at })
          .where(eq(subscriptions.id, other.id))
          .returning();
        const [otherPlan] = await tx.select().from(plans).where(eq(plans.id, other.planId));
        await recordHistory(tx, ended!, otherPlan!, "canceled", {
          fromStatus: other.status,
          actor: ctx.actor,
          occurredAt: ctx.at,
          comment: "Replaced by a Stripe subscription",
        });
      }
    }
    const [created] = await tx
      .insert(subscriptions)
      .values({
        id: newId("sub"),
        orgId,
        planId: plan.id,
        status,
        interval: plan.interval,
        billingAnchor: periodStart,
        currentPeriodStart: periodStart,
        currentPeriodEnd: periodEnd,
        trialEnd: s.trialEnd,
        cancelAtPeriodEnd: s.cancelAtPeriodEnd,
        canceledAt: s.canceledAt,
        endedAt: s.endedAt,
        pastDueSince: status === "past_due" ? ctx.at : null,
        provider: "stripe",
        // A subscription of Stripe's test mode is a working plan that never counts as revenue.
        livemode: s.livemode,
        stripeSubscriptionId: s.id,
        externalId: s.metadata.tally_external_id ?? null,
        providerUpdatedAt: ctx.at,
        createdAt: ctx.at,
        updatedAt: ctx.at,
      })
      .returning();
    await recordHistories(tx, await startHistory(tx, created!, plan, s, ctx));
    // A promotion code redeemed at Stripe Checkout: Stripe applies and counts it; Tally records it
    // (its MRR and billing page read it) before the first period's usage is billed.
    if (s.promotionCodeId) await recordProviderDiscount(tx, created!, plan, s.promotionCodeId, ctx);
    if (status === "active" || status === "trialing") await afterPeriodStarted(tx, created!, plan, periodStart);
    // An ended subscription holds no add-ons (nor their credits).
    const addonCredits = LIVE_STATUSES.includes(status as (typeof LIVE_STATUSES)[number])
      ? await syncStripeAddonItems(tx, created!, s.addonItems, ctx)
      : new Map<string, number>();
    return { outcome: "created", subscriptionId: created!.id, orgId, addonCredits };
  }

  if (existing.providerUpdatedAt && ctx.at < existing.providerUpdatedAt) {
    log.info(
      {
        subscription: existing.id,
        stripe: s.id,
        state_at: ctx.at.toISOString(),
        applied_at: existing.providerUpdatedAt.toISOString(),
      },
      "stale subscription state ignored",
    );
    return { outcome: "stale", subscriptionId: existing.id, orgId };
  }
  const next = {
    planId: plan.id,
    status,
    interval: plan.interval,
    currentPeriodStart: periodStart,
    currentPeriodEnd: periodEnd,
    trialEnd: s.trialEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    canceledAt: s.canceledAt,
    endedAt: s.endedAt,
  };
  const changed =
    next.planId !== existing.planId ||
    next.status !== existing.status ||
    next.currentPeriodStart.getTime() !== existing.currentPeriodStart.getTime() ||
    next.currentPeriodEnd.getTime() !== existing.currentPeriodEnd.getTime() ||
    next.cancelAtPeriodEnd !== existing.cancelAtPeriodEnd ||
    (next.trialEnd?.getTime() ?? 0) !== (existing.trialEnd?.getTime() ?? 0) ||
    (next.endedAt?.getTime() ?? 0) !== (existing.endedAt?.getTime() ?? 0);
  if (!changed) {
    await tx.update(subscriptions).set({ providerUpdatedAt: ctx.at }).where(eq(subscriptions.id, existing.id));
    const addonCredits = await syncStripeAddonItems(tx, existing, s.addonItems, ctx);
    return { outcome: "unchanged", subscriptionId: existing.id, orgId, addonCredits };
  }
  const [updated] = await tx
    .update(subscriptions)
    .set({
      ...next,
      pendingPlanId: next.planId === existing.pendingPlanId ? null : existing.pendingPlanId,
      pastDueSince: status === "past_due" ? (existing.pastDueSince ?? ctx.at) : null,
      providerUpdatedAt: ctx.at,
      updatedAt: ctx.at,
    })
    .where(eq(subscriptions.id, existing.id))
    .returning();
  const action: SubscriptionAction =
    next.planId !== existing.planId
      ? "plan_changed"
      : status !== existing.status
        ? (
            {
              past_due: "past_due",
              canceled: "canceled",
              expired: "expired",
              active:
                existing.status === "past_due"
                  ? "recovered"
                  : existing.status === "canceled"
                    ? "reactivated"
                    : "activated",
              trialing: "trial_started",
              incomplete: "created",
            } as const
          )[status]
        : next.cancelAtPeriodEnd !== existing.cancelAtPeriodEnd
          ? next.cancelAtPeriodEnd
            ? "cancel_scheduled"
            : "cancel_unscheduled"
          : "renewed";
  await recordHistory(tx, updated!, plan, action, {
    fromStatus: existing.status,
    fromPlanId: existing.planId,
    actor: ctx.actor,
    occurredAt: ctx.at,
  });
  const newPeriod =
    next.currentPeriodStart.getTime() !== existing.currentPeriodStart.getTime() ||
    (existing.status === "incomplete" && status === "active");
  if (newPeriod && (status === "active" || status === "trialing"))
    await afterPeriodStarted(tx, updated!, plan, periodStart);
  const wasBilling = existing.status === "active" || existing.status === "past_due";
  // A paid period ended: its usage goes onto the renewal draft when invoice.created comes; this
  // delayed check bills it on a separate invoice if that never happens.
  if (newPeriod && wasBilling && next.currentPeriodStart > existing.currentPeriodStart) {
    await enqueueStripePeriodUsage(
      tx,
      updated!,
      { start: existing.currentPeriodStart, end: existing.currentPeriodEnd },
      { reason: "period_ended", runAt: new Date(ctx.at.getTime() + DRAFT_GRACE_MS) },
    );
  }
  // The subscription ended (canceled now, or at its period end): the last period's usage is billed.
  if ((status === "canceled" || status === "expired") && (wasBilling || existing.status === "trialing")) {
    await afterSubscriptionEnded(
      tx,
      { ...updated!, status: existing.status },
      { start: existing.currentPeriodStart, end: s.endedAt ?? ctx.at },
      plan.currency,
    );
  }
  const addonCredits = await syncStripeAddonItems(tx, updated!, s.addonItems, ctx);
  return { outcome: "updated", subscriptionId: updated!.id, orgId, addonCredits };
}

/**
 * The history rows a subscription new to Tally starts with: created (or trial_started) now — or,
 * when it is adopted (`ctx.startedAt`), when it began at Stripe, so that the revenue charts count a
 * customer who has paid for months as the customer it is, not as this month's new MRR; a trial that
 * ended before the adoption is a trial from the start and a paid subscription from its end. At its
 * current plan and price throughout (Stripe keeps no price history to read; the mirrored invoices
 * carry what was billed). A subscription that had already ended at Stripe is adopted as history: it
 * began, then ended when Stripe ended it (churn in its month). Not backdated over the life of
 * another of the customer's subscriptions in Tally: the two histories would overlap and count its
 * MRR twice.
 */
async function startHistory(
  tx: Executor,
  created: Subscription,
  plan: Plan,
  s: StripeSubscriptionState,
  ctx: { at: Date; actor: string; startedAt?: Date | null },
): Promise<HistoryEntry[]> {
  const details = { stripe_subscription_id: s.id };
  const endedAt = created.status === "canceled" || created.status === "expired" ? s.endedAt : null;
  const until = endedAt ?? ctx.at;
  let began = ctx.at;
  if (ctx.startedAt && ctx.startedAt < until && !(await overlapsAnother(tx, created, ctx.startedAt, until)))
    began = ctx.startedAt;
  const opts = { actor: ctx.actor, occurredAt: began, details };
  // Ended before it was adopted, and backdated to its start: it began as it did, and ended.
  if (endedAt && began < endedAt) {
    const trialEnd = s.trialEnd;
    const inTrial = trialEnd !== null && began < trialEnd;
    const rows: HistoryEntry[] = inTrial
      ? [{ sub: { ...created, status: "trialing" }, plan, action: "trial_started", opts }]
      : [{ sub: { ...created, status: "active" }, plan, action: "created", opts }];
    if (inTrial && trialEnd < endedAt)
      rows.push({
        sub: { ...created, status: "active" },
        plan,
        action: "activated",
        opts: { ...opts, occurredAt: trialEnd, fromStatus: "trialing" },
      });
    const last = rows.at(-1)!.sub.status;
    rows.push({
      sub: created,
      plan,
      action: created.status === "expired" ? "expired" : "canceled",
      opts: { ...opts, occurredAt: endedAt, fromStatus: last, comment: "Ended at Stripe before it was adopted" },
    });
    return rows;
  }
  if (created.status === "trialing") return [{ sub: created, plan, action: "trial_started", opts }];
  const trialEnd = s.trialEnd;
  if (trialEnd && began < trialEnd && trialEnd <= ctx.at)
    return [
      { sub: { ...created, status: "trialing" }, plan, action: "trial_started", opts },
      { sub: created, plan, action: "activated", opts: { ...opts, occurredAt: trialEnd, fromStatus: "trialing" } },
    ];
  return [{ sub: created, plan, action: "created", opts }];
}

/**
 * Whether another of the customer's subscriptions lived in [from, to): it began (its first history
 * row or its creation, the earlier) before `to` and had not ended by `from`.
 */
async function overlapsAnother(tx: Executor, sub: Subscription, from: Date, to: Date): Promise<boolean> {
  // Its first history row, or its creation when earlier (a row made without a start of its own).
  const began = sql`least((select min(h.occurred_at) from subscription_history h
    where h.org_id = ${subscriptions.orgId} and h.subscription_id = ${subscriptions.id}), ${subscriptions.createdAt})`;
  const [other] = await tx
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.orgId, sub.orgId),
        ne(subscriptions.id, sub.id),
        or(isNull(subscriptions.endedAt), gt(subscriptions.endedAt, from)),
        sql`${began} < ${to.toISOString()}::timestamptz`,
      ),
    )
    .limit(1);
  return Boolean(other);
}
