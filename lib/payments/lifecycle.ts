// The customer's own plan changes: upgrade now with proration (previewed before confirming),
// downgrade at period end, cancel at period end, resume. Stripe subscriptions change at Stripe
// first (never inside a transaction) and converge locally from Stripe's answer; the others change
// here, with a history row each.
import "server-only";
import { eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { organizations, plans, subscriptions, type Plan, type Subscription } from "@/lib/db/schema";
import { AppError, conflict, invalidField, notFound } from "@/lib/http/errors";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { recordHistory } from "@/lib/subscriptions/history";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import { periodBounds } from "@/lib/time";
import {
  cancelSubscriptionNow,
  changeSubscriptionPrice,
  previewPriceChange,
  retrieveSubscription,
  setCancelAtPeriodEnd,
} from "@/lib/stripe/billing";
import { afterSubscriptionEnded } from "@/lib/subscriptions/hooks";
import { enqueue, PermanentJobError, registerOutboxHandler } from "@/lib/jobs/outbox";
import { chargeInvoice } from "./local-billing";
import type { PlanChangePreviewJson } from "./schemas";
import { monthlyCents, prorate } from "./proration";
import { discountLasts, liveDiscountOf } from "@/lib/coupons/live-discount";
import { attachDiscount, endLiveDiscount, resolvePromotionCode } from "@/lib/coupons/redeem";
import { couponCoversPlan, discountedFeeCents } from "@/lib/coupons/discount-math";
import { assertSelfServe } from "./self-serve";
import { applyStripeSubscription } from "./subscription-sync";
import { addonsLeftBehind, removeAddonsLeftBehind, removedAddonJson, type RemovedAddon } from "@/lib/addons/plan-fit";
import { deleteSubscriptionItem } from "@/lib/stripe/addons";

async function current(orgId: string): Promise<{ sub: Subscription; plan: Plan }> {
  const sub = await liveSubscription(orgId);
  if (!sub) throw notFound("Current subscription");
  const [plan] = await db.select().from(plans).where(eq(plans.id, sub.planId));
  return { sub, plan: plan! };
}

async function stripeOrg(orgId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  return org!;
}

async function plan(planId: string): Promise<Plan> {
  const [p] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!p || !p.active) throw invalidField("plan_id", "no plan for sale with this id");
  // These are the customer's own changes; an operator puts a customer on any plan through /api/v1/subscriptions.
  assertSelfServe(p);
  return p;
}

export async function previewPlanChange(
  orgId: string,
  planId: string,
  now = new Date(),
): Promise<PlanChangePreviewJson> {
  const { sub, plan: from } = await current(orgId);
  const to = await plan(planId);
  if (to.id === from.id) throw conflict("You are already on this plan.");
  if (to.currency !== from.currency)
    throw invalidField(
      "plan_id",
      `this plan is billed in ${to.currency.toUpperCase()}, yours in ${from.currency.toUpperCase()}`,
    );
  const upgrade =
    monthlyCents(to).gt(monthlyCents(from)) ||
    (to.interval === "year" && from.interval === "month" && monthlyCents(to).eq(monthlyCents(from)));
  let due = 0;
  if (upgrade && sub.status !== "trialing") {
    if (sub.provider === "stripe" && sub.stripeSubscriptionId && to.stripePriceId) {
      const state = await retrieveSubscription(sub.stripeSubscriptionId);
      due = await previewPriceChange(
        (await stripeOrg(orgId)).stripeCustomerId!,
        sub.stripeSubscriptionId,
        state!.itemId!,
        to.stripePriceId,
      );
    } else {
      // A coupon that covers this period discounts both sides: the unused part of what was paid,
      // and the new plan's price for the rest of the period.
      const live = await liveDiscountOf(db, orgId, sub.id);
      const coupon = discountLasts(live, sub.currentPeriodStart) ? live.coupon : null;
      // A coupon limited to plans the new one is not among ends at the change: the new plan's part is full price.
      const couponOfNew = coupon && couponCoversPlan(coupon, to.code) ? coupon : null;
      due = Math.max(
        0,
        prorate({
          oldCents: discountedFeeCents(coupon, from.basePriceCents, from.currency),
          newCents: discountedFeeCents(couponOfNew, to.basePriceCents, to.currency),
          periodStart: sub.currentPeriodStart,
          periodEnd: sub.currentPeriodEnd,
          at: now,
          currency: to.currency,
          sameInterval: to.interval === from.interval,
        }).amountCents,
      );
    }
  }
  return {
    direction: upgrade ? "upgrade" : "downgrade",
    effective: upgrade ? "now" : "period_end",
    current_plan: { id: from.id, name: from.name, interval: from.interval, amount_cents: from.basePriceCents },
    new_plan: { id: to.id, name: to.name, interval: to.interval, amount_cents: to.basePriceCents },
    amount_due_now_cents: due,
    currency: to.currency,
    effective_at: (upgrade ? now : sub.currentPeriodEnd).toISOString(),
    addons_removed: (await addonsLeftBehind(db, sub, to, now, upgrade)).map(removedAddonJson),
  };
}

/** The history's note on add-ons a plan change removed. */
const removalReason = (removed: RemovedAddon[]) =>
  removed.length
    ? `Removed with the plan change: ${removed.map((r) => `${r.addon.name}: ${r.reason}`).join("; ")}`
    : undefined;

/** On Stripe: the subscription items of the add-ons the new plan does not offer, deleted (credited at once when `proration`). */
async function deleteStripeItemsLeftBehind(removed: RemovedAddon[], proration: "always_invoice" | "none") {
  for (const r of removed) if (r.row.providerItemId) await deleteSubscriptionItem(r.row.providerItemId, proration);
}

export async function changePlan(
  orgId: string,
  planId: string,
  actor: string,
  now = new Date(),
  opts: { promotionCode?: string } = {},
): Promise<PlanChangePreviewJson> {
  const preview = await previewPlanChange(orgId, planId, now);
  const { sub } = await current(orgId);
  const to = await plan(planId);
  if (sub.provider === "stripe") {
    if (opts.promotionCode)
      throw invalidField("promotion_code", "enter codes at checkout or in the Stripe customer portal for this plan");
    if (!sub.stripeSubscriptionId || !to.stripePriceId)
      throw new AppError("validation_error", "This plan is not linked to a Stripe price; sync the plans first.", [
        { field: "plan_id", message: "no Stripe price" },
      ]);
    if (preview.effective === "now") {
      const state = await retrieveSubscription(sub.stripeSubscriptionId);
      if (!state?.itemId)
        throw new AppError("provider_unavailable", "Stripe did not return the subscription; try again.");
      const removed = await addonsLeftBehind(db, sub, to, now, true);
      await deleteStripeItemsLeftBehind(removed, sub.status === "trialing" ? "none" : "always_invoice");
      const updated = await changeSubscriptionPrice(sub.stripeSubscriptionId, state.itemId, to.stripePriceId, true);
      await db.transaction((tx) =>
        applyStripeSubscription(tx, updated, { at: now, actor, reason: removalReason(removed) }),
      );
    } else {
      // Stripe keeps charging the current price until the period ends; the outbox switches the
      // price then (without proration), and the webhook that follows converges the record. Nothing
      // here needs Stripe, so a downgrade is scheduled even while Stripe is unreachable.
      await db.transaction((tx) => schedulePlanChange(tx, sub, to, actor, now));
    }
    return preview;
  }
  await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(subscriptions).where(eq(subscriptions.id, sub.id)).for("update");
    if (!locked || locked.planId !== preview.current_plan.id)
      throw conflict("The subscription changed meanwhile; review the change again.");
    // A code is checked before anything is written: a bad one changes nothing.
    const code = opts.promotionCode
      ? await resolvePromotionCode(tx, orgId, opts.promotionCode, to, now, "promotion_code", locked.id)
      : null;
    const redeem = async () => {
      if (!code) return;
      const [fresh] = await tx.select().from(subscriptions).where(eq(subscriptions.id, locked.id));
      await attachDiscount(tx, fresh!, to, code, { actor, at: now });
    };
    if (preview.effective === "period_end") {
      await schedule(tx, locked, to, actor, now);
      return redeem();
    }
    const sameInterval = to.interval === preview.current_plan.interval;
    // A different interval starts a new period now; the same interval keeps the period.
    const period = sameInterval
      ? { start: locked.currentPeriodStart, end: locked.currentPeriodEnd }
      : periodBounds(now, to.interval, 0);
    const [moved] = await tx
      .update(subscriptions)
      .set({
        planId: to.id,
        interval: to.interval,
        pendingPlanId: null,
        ...(sameInterval ? {} : { billingAnchor: now, currentPeriodStart: period.start, currentPeriodEnd: period.end }),
        updatedAt: now,
      })
      .where(eq(subscriptions.id, locked.id))
      .returning();
    await recordHistory(tx, moved!, to, "plan_changed", {
      fromStatus: locked.status,
      fromPlanId: locked.planId,
      actor,
      occurredAt: now,
      details: { proration_cents: preview.amount_due_now_cents },
    });
    // Recurring add-ons the new plan does not offer go with the change, credited for the rest of the period.
    await removeAddonsLeftBehind(tx, moved!, await addonsLeftBehind(tx, locked, to, now, true), { actor, at: now });
    // A coupon limited to plans the new one is not among ends with the change (its own history row).
    const live = await liveDiscountOf(tx, orgId, locked.id);
    if (live && !couponCoversPlan(live.coupon, to.code))
      await endLiveDiscount(tx, moved!, to, { actor, at: now, reason: `it does not apply to the plan ${to.code}` });
    if (preview.amount_due_now_cents > 0) {
      const { invoice } = await issueInvoice(tx, {
        orgId,
        currency: to.currency,
        subscriptionId: locked.id,
        lines: [
          {
            kind: "proration",
            description: `Upgrade to ${to.name}: prorated for the rest of the period`,
            quantity: "1",
            amountCents: preview.amount_due_now_cents,
            periodStart: now,
            periodEnd: period.end,
          },
        ],
        sourceKey: `proration:${locked.id}:${now.toISOString()}`,
        issuedAt: now,
        paid: false,
        description: "Plan change",
        livemode: locked.livemode,
      });
      if (locked.provider === "local") {
        const charge = await chargeInvoice(tx, invoice, now);
        if (!charge.ok)
          throw new AppError(
            "payment_failed",
            `${charge.message ?? "The payment failed."} Update your payment method and try again.`,
          );
      }
    }
    await redeem();
  });
  return preview;
}

async function schedule(tx: Executor, sub: Subscription, to: Plan, actor: string, now: Date, comment?: string) {
  const [s] = await tx
    .update(subscriptions)
    .set({ pendingPlanId: to.id, updatedAt: now })
    .where(eq(subscriptions.id, sub.id))
    .returning();
  const [from] = await tx.select().from(plans).where(eq(plans.id, sub.planId));
  await recordHistory(tx, s!, from!, "plan_change_scheduled", {
    fromStatus: sub.status,
    actor,
    occurredAt: now,
    comment,
    details: { to_plan_id: to.id, effective_at: sub.currentPeriodEnd.toISOString() },
  });
}

/**
 * Puts `to` in place of the subscription's plan when its current period ends: the rollover applies
 * it for subscriptions Tally bills, and for Stripe's the outbox switches the price then (without
 * proration; the webhook that follows converges the record). Nothing here needs Stripe.
 */
export async function schedulePlanChange(
  tx: Executor,
  sub: Subscription,
  to: Plan,
  actor: string,
  now: Date,
  comment?: string,
): Promise<void> {
  await schedule(tx, sub, to, actor, now, comment);
  if (sub.provider !== "stripe") return;
  await enqueue(tx, {
    kind: APPLY_SCHEDULED_CHANGE_JOB,
    orgId: sub.orgId,
    payload: { subscriptionId: sub.id, planId: to.id },
    dedupeKey: `${APPLY_SCHEDULED_CHANGE_JOB}:${sub.id}:${sub.currentPeriodEnd.toISOString()}:${to.id}`,
    runAt: sub.currentPeriodEnd,
  });
}

async function setCancel(orgId: string, cancel: boolean, actor: string, now = new Date()): Promise<Subscription> {
  const { sub, plan: p } = await current(orgId);
  if (sub.cancelAtPeriodEnd === cancel) return sub;
  if (sub.provider === "stripe" && sub.stripeSubscriptionId) {
    const updated = await setCancelAtPeriodEnd(sub.stripeSubscriptionId, cancel);
    return db
      .transaction((tx) => applyStripeSubscription(tx, updated, { at: now, actor }))
      .then(async () => (await current(orgId)).sub);
  }
  return db.transaction(async (tx) => {
    const [s] = await tx
      .update(subscriptions)
      .set({
        cancelAtPeriodEnd: cancel,
        canceledAt: cancel ? now : null,
        // A scheduled plan change stays on record while a cancellation is pending: it does not
        // happen if the subscription ends, and resuming brings it back (as on Stripe's rail).
        updatedAt: now,
      })
      .where(eq(subscriptions.id, sub.id))
      .returning();
    await recordHistory(tx, s!, p, cancel ? "cancel_scheduled" : "cancel_unscheduled", {
      fromStatus: sub.status,
      actor,
      occurredAt: now,
    });
    return s!;
  });
}

export const APPLY_SCHEDULED_CHANGE_JOB = "stripe.apply_scheduled_plan_change";

registerOutboxHandler(APPLY_SCHEDULED_CHANGE_JOB, async (job) => {
  const { subscriptionId, planId } = job.payload as { subscriptionId: string; planId: string };
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
  // Canceled, or the customer chose another plan meanwhile: nothing to apply. (A cancellation at
  // period end is Stripe's to carry out: it ends the subscription whatever its price.)
  if (!sub || sub.pendingPlanId !== planId || !sub.stripeSubscriptionId) return { skipped: true };
  const [to] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!to?.stripePriceId) throw new PermanentJobError(`Plan ${planId} has no Stripe price`);
  const state = await retrieveSubscription(sub.stripeSubscriptionId);
  if (!state?.itemId) throw new PermanentJobError(`Stripe has no subscription ${sub.stripeSubscriptionId}`);
  // Add-ons the new plan does not offer end with the period: nothing left of it to credit.
  const removed = await addonsLeftBehind(db, sub, to, new Date(), false);
  await deleteStripeItemsLeftBehind(removed, "none");
  const updated = await changeSubscriptionPrice(sub.stripeSubscriptionId, state.itemId, to.stripePriceId, false);
  await db.transaction((tx) =>
    applyStripeSubscription(tx, updated, {
      at: new Date(),
      actor: `job:${APPLY_SCHEDULED_CHANGE_JOB}`,
      reason: removalReason(removed),
    }),
  );
  return { applied: planId };
});

export const cancelAtPeriodEnd = (orgId: string, actor: string, now?: Date) => setCancel(orgId, true, actor, now);
export const resumeSubscription = (orgId: string, actor: string, now?: Date) => setCancel(orgId, false, actor, now);

/**
 * Ends the subscription now: access stops, no refund of the plan fee, and the usage of the period
 * so far (start … now) is billed once — on a final invoice, or for Stripe on a separate Stripe
 * invoice (applyStripeSubscription sees the end).
 */
export async function cancelNow(orgId: string, actor: string, now = new Date()): Promise<Subscription> {
  const { sub, plan: p } = await current(orgId);
  if (sub.provider === "stripe" && sub.stripeSubscriptionId) {
    const ended = await cancelSubscriptionNow(sub.stripeSubscriptionId);
    await db.transaction((tx) => applyStripeSubscription(tx, ended, { at: now, actor }));
    const [s] = await db.select().from(subscriptions).where(eq(subscriptions.id, sub.id));
    return s!;
  }
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(subscriptions).where(eq(subscriptions.id, sub.id)).for("update");
    if (!locked || locked.status === "canceled" || locked.status === "expired")
      throw conflict("The subscription has ended already.");
    const [s] = await tx
      .update(subscriptions)
      .set({
        status: "canceled",
        canceledAt: now,
        endedAt: now,
        cancelAtPeriodEnd: false,
        pendingPlanId: null,
        updatedAt: now,
      })
      .where(eq(subscriptions.id, locked.id))
      .returning();
    await recordHistory(tx, s!, p, "canceled", {
      fromStatus: locked.status,
      actor,
      occurredAt: now,
      comment: "Canceled now",
    });
    await afterSubscriptionEnded(
      tx,
      { ...s!, status: locked.status },
      { start: locked.currentPeriodStart, end: now },
      p.currency,
    );
    return s!;
  });
}
