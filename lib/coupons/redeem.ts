// Redeeming a coupon: a promotion code a customer types (checkout, plan change) or a coupon an
// operator applies, attached to a subscription as its one live discount. Redemption counts are
// taken with one conditional UPDATE per row (`times_redeemed < max_redemptions`), so a limit of 1
// redeemed twice at once lets exactly one through, whatever the isolation level.
import "server-only";
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  LIVE_STATUSES,
  coupons,
  plans,
  promotionCodes,
  subscriptionDiscounts,
  subscriptions,
  type Coupon,
  type Plan,
  type PromotionCode,
  type Subscription,
  type SubscriptionDiscount,
} from "@/lib/db/schema";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { recordHistory } from "@/lib/subscriptions/history";
import { discountEndsAt } from "./discount-math";
import { deleteStripeSubscriptionDiscount, setStripeSubscriptionCoupon } from "@/lib/stripe/coupons";

/** What a promotion code or coupon resolves to, checked against the plan it is for. */
export type Redeemable = { coupon: Coupon; promo: PromotionCode | null };

function checkCoupon(coupon: Coupon, plan: Pick<Plan, "code" | "currency">, at: Date, field: string): void {
  if (coupon.redeemBy && coupon.redeemBy <= at) throw invalidField(field, "has expired");
  if (coupon.maxRedemptions !== null && coupon.timesRedeemed >= coupon.maxRedemptions)
    throw invalidField(field, "has been fully redeemed");
  if (coupon.planCodes.length > 0 && !coupon.planCodes.includes(plan.code))
    throw invalidField(field, `does not apply to this plan`);
  if (coupon.amountOffCents !== null && coupon.currency !== plan.currency)
    throw invalidField(field, `is in ${coupon.currency?.toUpperCase()}, the plan is in ${plan.currency.toUpperCase()}`);
}

/**
 * Looks a typed code up and checks it can be redeemed by `orgId` for `plan` now (a preview, before
 * any write: a checkout shows the discounted price with it). `field` names the request field in errors.
 */
export async function resolvePromotionCode(
  tx: Executor,
  orgId: string,
  code: string,
  plan: Pick<Plan, "code" | "currency">,
  at: Date,
  field = "promotion_code",
  exceptSubscriptionId?: string,
): Promise<Redeemable> {
  const [row] = await tx
    .select({ promo: promotionCodes, coupon: coupons })
    .from(promotionCodes)
    .innerJoin(coupons, eq(coupons.id, promotionCodes.couponId))
    .where(eq(promotionCodes.code, code.trim().toUpperCase()));
  if (!row || !row.promo.active) throw invalidField(field, "is not a valid code");
  if (row.promo.expiresAt && row.promo.expiresAt <= at) throw invalidField(field, "has expired");
  if (row.promo.maxRedemptions !== null && row.promo.timesRedeemed >= row.promo.maxRedemptions)
    throw invalidField(field, "has been fully redeemed");
  if (row.promo.firstTimeTransaction) {
    const [earlier] = await tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.orgId, orgId),
          exceptSubscriptionId ? ne(subscriptions.id, exceptSubscriptionId) : undefined,
        ),
      )
      .limit(1);
    if (earlier) throw invalidField(field, "is for first-time customers only");
  }
  checkCoupon(row.coupon, plan, at, field);
  return row;
}

/** A code stored on a checkout, checked again when the checkout completes (it may have run out meanwhile). */
export async function resolvePromotionCodeById(
  tx: Executor,
  orgId: string,
  promotionCodeId: string,
  planId: string,
  at: Date,
): Promise<Redeemable> {
  const [row] = await tx
    .select({ code: promotionCodes.code, plan: plans })
    .from(promotionCodes)
    .innerJoin(plans, eq(plans.id, planId))
    .where(eq(promotionCodes.id, promotionCodeId));
  if (!row) throw invalidField("promotion_code", "is not a valid code");
  return resolvePromotionCode(tx, orgId, row.code, row.plan, at);
}

export async function resolveCoupon(
  tx: Executor,
  couponId: string,
  plan: Pick<Plan, "code" | "currency">,
  at: Date,
): Promise<Redeemable> {
  const [coupon] = await tx.select().from(coupons).where(eq(coupons.id, couponId));
  if (!coupon) throw invalidField("coupon_id", "no such coupon");
  checkCoupon(coupon, plan, at, "coupon_id");
  return { coupon, promo: null };
}

/** Counts one redemption on the coupon and the code, or refuses (409) when a limit or expiry was reached meanwhile. */
async function countRedemption(tx: Executor, r: Redeemable, at: Date): Promise<void> {
  const [c] = await tx
    .update(coupons)
    .set({ timesRedeemed: sql`${coupons.timesRedeemed} + 1` })
    .where(
      and(
        eq(coupons.id, r.coupon.id),
        sql`(${coupons.maxRedemptions} is null or ${coupons.timesRedeemed} < ${coupons.maxRedemptions})`,
        sql`(${coupons.redeemBy} is null or ${coupons.redeemBy} > ${at.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: coupons.id });
  if (!c) throw conflict("This coupon has been fully redeemed or has expired.");
  if (!r.promo) return;
  const [p] = await tx
    .update(promotionCodes)
    .set({ timesRedeemed: sql`${promotionCodes.timesRedeemed} + 1` })
    .where(
      and(
        eq(promotionCodes.id, r.promo.id),
        eq(promotionCodes.active, true),
        sql`(${promotionCodes.maxRedemptions} is null or ${promotionCodes.timesRedeemed} < ${promotionCodes.maxRedemptions})`,
      ),
    )
    .returning({ id: promotionCodes.id });
  if (!p) throw conflict("This promotion code has been fully redeemed.");
}

/**
 * Redeems `r` and attaches it to `sub` (replacing a live discount). The first period it covers is
 * the current one for a subscription being created (`firstPeriod: "current"`, its first fee not
 * billed yet), else the next one (the current fee was billed at the period's start); a trial's
 * first paid period is the one after the trial. The coupon's terms are copied onto the
 * subscription (its MRR reads them) and a history row records the change.
 */
export async function attachDiscount(
  tx: Executor,
  sub: Subscription,
  plan: Pick<Plan, "id" | "code" | "currency" | "basePriceCents">,
  r: Redeemable,
  opts: { actor: string; at: Date; firstPeriod?: "current" | "next" },
): Promise<{ sub: Subscription; discount: SubscriptionDiscount }> {
  await countRedemption(tx, r, opts.at);
  const startsNow = opts.firstPeriod === "current" && sub.status !== "trialing";
  const startsAt = startsNow ? sub.currentPeriodStart : sub.currentPeriodEnd;
  await tx
    .update(subscriptionDiscounts)
    .set({ removedAt: opts.at })
    .where(
      and(
        eq(subscriptionDiscounts.orgId, sub.orgId),
        eq(subscriptionDiscounts.subscriptionId, sub.id),
        isNull(subscriptionDiscounts.removedAt),
      ),
    );
  const [discount] = await tx
    .insert(subscriptionDiscounts)
    .values({
      id: newId("sdc"),
      orgId: sub.orgId,
      subscriptionId: sub.id,
      couponId: r.coupon.id,
      promotionCodeId: r.promo?.id ?? null,
      startsAt,
      endsAt: discountEndsAt(r.coupon, startsAt, sub.interval),
      actor: opts.actor,
    })
    .returning();
  const [updated] = await tx
    .update(subscriptions)
    .set({
      discountPercent: r.coupon.percentOff ?? "0",
      discountAmountCents: r.coupon.amountOffCents ?? 0,
      updatedAt: opts.at,
    })
    .where(and(eq(subscriptions.orgId, sub.orgId), eq(subscriptions.id, sub.id)))
    .returning();
  await recordHistory(tx, updated!, plan, "discount_changed", {
    actor: opts.actor,
    occurredAt: opts.at,
    comment: `Coupon ${r.coupon.code}${r.promo ? ` (code ${r.promo.code})` : ""}`,
    details: { coupon_id: r.coupon.id, promotion_code_id: r.promo?.id ?? null },
  });
  return { sub: updated!, discount: discount! };
}

/**
 * A discount the provider applied and counted (a promotion code redeemed at Stripe Checkout),
 * recorded on the Stripe-backed subscription from its first period, without counting it again.
 * A code Tally does not know (made in Stripe's dashboard) is left to Stripe.
 */
export async function recordProviderDiscount(
  tx: Executor,
  sub: Subscription,
  plan: Pick<Plan, "id" | "basePriceCents" | "currency">,
  stripePromotionCodeId: string,
  ctx: { at: Date; actor: string },
): Promise<void> {
  const [row] = await tx
    .select({ promo: promotionCodes, coupon: coupons })
    .from(promotionCodes)
    .innerJoin(coupons, eq(coupons.id, promotionCodes.couponId))
    .where(eq(promotionCodes.stripePromotionCodeId, stripePromotionCodeId));
  if (!row) return;
  await tx
    .update(promotionCodes)
    .set({ timesRedeemed: sql`${promotionCodes.timesRedeemed} + 1` })
    .where(eq(promotionCodes.id, row.promo.id));
  await tx
    .update(coupons)
    .set({ timesRedeemed: sql`${coupons.timesRedeemed} + 1` })
    .where(eq(coupons.id, row.coupon.id));
  await tx.insert(subscriptionDiscounts).values({
    id: newId("sdc"),
    orgId: sub.orgId,
    subscriptionId: sub.id,
    couponId: row.coupon.id,
    promotionCodeId: row.promo.id,
    startsAt: sub.currentPeriodStart,
    endsAt: discountEndsAt(row.coupon, sub.currentPeriodStart, sub.interval),
    actor: ctx.actor,
  });
  const [updated] = await tx
    .update(subscriptions)
    .set({ discountPercent: row.coupon.percentOff ?? "0", discountAmountCents: row.coupon.amountOffCents ?? 0 })
    .where(and(eq(subscriptions.orgId, sub.orgId), eq(subscriptions.id, sub.id)))
    .returning();
  await recordHistory(tx, updated!, plan, "discount_changed", {
    actor: ctx.actor,
    occurredAt: ctx.at,
    comment: `Coupon ${row.coupon.code} (code ${row.promo.code}, redeemed at Stripe Checkout)`,
    details: { coupon_id: row.coupon.id, promotion_code_id: row.promo.id },
  });
}

/**
 * An operator applies a coupon to a customer's current subscription (the admin customer page), in
 * one transaction with the subscription locked; the coupon's own limits apply as to a code.
 */
export async function applyCouponToCustomer(
  orgId: string,
  couponId: string,
  actor: string,
  now = new Date(),
): Promise<{ sub: Subscription; discount: SubscriptionDiscount }> {
  // On Stripe, Stripe applies the coupon first (its invoices must carry it); a Stripe failure
  // changes nothing here. The call is keyed, so a retry puts it on once.
  const [stripeSub] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, [...LIVE_STATUSES])));
  if (stripeSub?.provider === "stripe" && stripeSub.stripeSubscriptionId) {
    const [coupon] = await db.select().from(coupons).where(eq(coupons.id, couponId));
    if (!coupon) throw invalidField("coupon_id", "no such coupon");
    if (!coupon.stripeCouponId)
      throw invalidField("coupon_id", "this coupon was created before Stripe was configured; create a new coupon");
    await setStripeSubscriptionCoupon(
      stripeSub.stripeSubscriptionId,
      coupon.stripeCouponId,
      `tally-apply-${stripeSub.id}-${coupon.id}-${coupon.timesRedeemed}`,
    );
  }
  return db.transaction(async (tx) => {
    const [sub] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, [...LIVE_STATUSES])))
      .for("update");
    if (!sub) throw notFound("Current subscription");
    const [plan] = await tx.select().from(plans).where(eq(plans.id, sub.planId));
    return attachDiscount(tx, sub, plan!, await resolveCoupon(tx, couponId, plan!, now), { actor, at: now });
  });
}

/**
 * Ends `sub`'s live discount at `opts.at` (removed by an operator, or left behind by a plan its
 * coupon does not apply to): the discount row is closed, the subscription's copied terms cleared
 * (its MRR is full price again) and a history row says why. Null when there was no live discount.
 */
export async function endLiveDiscount(
  tx: Executor,
  sub: Subscription,
  plan: Pick<Plan, "id" | "basePriceCents" | "currency">,
  opts: { actor: string; at: Date; reason: string },
): Promise<Subscription | null> {
  const ended = await tx
    .update(subscriptionDiscounts)
    .set({ removedAt: opts.at })
    .where(
      and(
        eq(subscriptionDiscounts.orgId, sub.orgId),
        eq(subscriptionDiscounts.subscriptionId, sub.id),
        isNull(subscriptionDiscounts.removedAt),
      ),
    )
    .returning({ couponId: subscriptionDiscounts.couponId });
  if (ended.length === 0) return null;
  const [coupon] = await tx.select().from(coupons).where(eq(coupons.id, ended[0]!.couponId));
  const [updated] = await tx
    .update(subscriptions)
    .set({ discountPercent: "0", discountAmountCents: 0, updatedAt: opts.at })
    .where(and(eq(subscriptions.orgId, sub.orgId), eq(subscriptions.id, sub.id)))
    .returning();
  await recordHistory(tx, updated!, plan, "discount_changed", {
    actor: opts.actor,
    occurredAt: opts.at,
    comment: `Coupon ${coupon?.code ?? ended[0]!.couponId} ended: ${opts.reason}`,
    details: { coupon_id: ended[0]!.couponId, removed: true },
  });
  return updated!;
}

/**
 * An operator removes a subscription's discount (the admin customer page, DELETE
 * /api/v1/subscriptions/{id}/discount): its next invoices are full price. On Stripe, Stripe's
 * discount is deleted first (a Stripe failure changes nothing here; one already gone counts as
 * done, so a retry finishes the job). Removing when there is none changes nothing: `removed` is false.
 */
export async function removeSubscriptionDiscount(
  subscriptionId: string,
  actor: string,
  now = new Date(),
  orgId?: string,
): Promise<{ sub: Subscription; plan: Plan; removed: boolean }> {
  const [found] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.id, subscriptionId), orgId ? eq(subscriptions.orgId, orgId) : undefined));
  if (!found) throw notFound("Subscription");
  if (found.provider === "stripe" && found.stripeSubscriptionId) {
    const [live] = await db
      .select({ id: subscriptionDiscounts.id })
      .from(subscriptionDiscounts)
      .where(and(eq(subscriptionDiscounts.subscriptionId, found.id), isNull(subscriptionDiscounts.removedAt)));
    if (live) await deleteStripeSubscriptionDiscount(found.stripeSubscriptionId);
  }
  return db.transaction(async (tx) => {
    const [sub] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.orgId, found.orgId), eq(subscriptions.id, found.id)))
      .for("update");
    const [plan] = await tx.select().from(plans).where(eq(plans.id, sub!.planId));
    const updated = await endLiveDiscount(tx, sub!, plan!, { actor, at: now, reason: "removed by an operator" });
    return { sub: updated ?? sub!, plan: plan!, removed: updated !== null };
  });
}
