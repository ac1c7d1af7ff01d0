// The coupon catalog: coupons and the promotion codes that point at them. Platform-wide (like
// plans): an operator creates them; customers redeem promotion codes (redeem.ts).
import "server-only";
import { desc, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { coupons, promotionCodes, type Coupon, type PromotionCode } from "@/lib/db/schema";
import { isUniqueViolation } from "@/lib/db/errors";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { activeProvider } from "@/lib/payments/provider";
import { createStripeCoupon, createStripePromotionCode, setStripePromotionCodeActive } from "@/lib/stripe/coupons";
import type { CouponCreate, CouponJson, PromotionCodeCreate, PromotionCodeJson } from "./schemas";

export function couponJson(c: Coupon): CouponJson {
  return {
    object: "coupon",
    id: c.id,
    code: c.code,
    name: c.name,
    percent_off: c.percentOff,
    amount_off_cents: c.amountOffCents,
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.durationInMonths,
    applies_to: c.appliesTo,
    plan_codes: c.planCodes,
    max_redemptions: c.maxRedemptions,
    times_redeemed: c.timesRedeemed,
    redeem_by: c.redeemBy?.toISOString() ?? null,
    stripe_coupon_id: c.stripeCouponId,
    created_at: c.createdAt.toISOString(),
  };
}

export function promotionCodeJson(p: PromotionCode, c: Coupon): PromotionCodeJson {
  return {
    object: "promotion_code",
    id: p.id,
    code: p.code,
    coupon: couponJson(c),
    active: p.active,
    expires_at: p.expiresAt?.toISOString() ?? null,
    max_redemptions: p.maxRedemptions,
    times_redeemed: p.timesRedeemed,
    first_time_transaction: p.firstTimeTransaction,
    stripe_promotion_code_id: p.stripePromotionCodeId,
    created_at: p.createdAt.toISOString(),
  };
}

/**
 * On the Stripe rail the coupon is created in Stripe first (keyed by its Tally id, so a retry makes
 * one), then stored with the Stripe id: a Stripe failure (503) stores nothing.
 */
export async function createCoupon(input: CouponCreate, tx: Executor = db): Promise<Coupon> {
  const id = newId("cpn");
  const [taken] = await tx.select({ id: coupons.id }).from(coupons).where(eq(coupons.code, input.code));
  if (taken) throw conflict(`A coupon with code ${input.code} exists.`);
  const stripeCouponId =
    activeProvider() === "stripe"
      ? await createStripeCoupon({
          id,
          name: input.name,
          percentOff: input.percent_off ?? null,
          amountOffCents: input.amount_off_cents ?? null,
          currency: input.currency ?? null,
          duration: input.duration,
          durationInMonths: input.duration_in_months ?? null,
          maxRedemptions: input.max_redemptions ?? null,
          redeemBy: input.redeem_by ?? null,
        })
      : null;
  try {
    const [c] = await tx
      .insert(coupons)
      .values({
        id,
        stripeCouponId,
        code: input.code,
        name: input.name,
        percentOff: input.percent_off ?? null,
        amountOffCents: input.amount_off_cents ?? null,
        currency: input.amount_off_cents !== undefined ? (input.currency ?? null) : null,
        duration: input.duration,
        durationInMonths: input.duration === "repeating" ? (input.duration_in_months ?? null) : null,
        appliesTo: input.applies_to,
        planCodes: input.plan_codes,
        maxRedemptions: input.max_redemptions ?? null,
        redeemBy: input.redeem_by ?? null,
      })
      .returning();
    return c!;
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`A coupon with code ${input.code} exists.`);
    throw e;
  }
}

export const listCoupons = (tx: Executor = db): Promise<Coupon[]> =>
  tx.select().from(coupons).orderBy(desc(coupons.createdAt), desc(coupons.id));

export async function getCoupon(id: string, tx: Executor = db): Promise<Coupon> {
  const [c] = await tx.select().from(coupons).where(eq(coupons.id, id));
  if (!c) throw notFound("Coupon");
  return c;
}

export async function createPromotionCode(
  input: PromotionCodeCreate,
  tx: Executor = db,
): Promise<{ promo: PromotionCode; coupon: Coupon }> {
  const [coupon] = await tx.select().from(coupons).where(eq(coupons.id, input.coupon_id));
  if (!coupon) throw invalidField("coupon_id", "no such coupon");
  const id = newId("promo");
  const [taken] = await tx
    .select({ id: promotionCodes.id })
    .from(promotionCodes)
    .where(eq(promotionCodes.code, input.code));
  if (taken) throw conflict(`A promotion code ${input.code} exists.`);
  let stripePromotionCodeId: string | null = null;
  if (activeProvider() === "stripe") {
    if (!coupon.stripeCouponId)
      throw invalidField("coupon_id", "this coupon was created before Stripe was configured; create a new coupon");
    stripePromotionCodeId = await createStripePromotionCode({
      id,
      code: input.code,
      stripeCouponId: coupon.stripeCouponId,
      active: input.active,
      expiresAt: input.expires_at ?? null,
      maxRedemptions: input.max_redemptions ?? null,
      firstTimeTransaction: input.first_time_transaction,
    });
  }
  try {
    const [promo] = await tx
      .insert(promotionCodes)
      .values({
        id,
        stripePromotionCodeId,
        couponId: coupon.id,
        code: input.code,
        active: input.active,
        expiresAt: input.expires_at ?? null,
        maxRedemptions: input.max_redemptions ?? null,
        firstTimeTransaction: input.first_time_transaction,
      })
      .returning();
    return { promo: promo!, coupon };
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`A promotion code ${input.code} exists.`);
    throw e;
  }
}

export async function listPromotionCodes(tx: Executor = db): Promise<{ promo: PromotionCode; coupon: Coupon }[]> {
  return (
    await tx
      .select({ promo: promotionCodes, coupon: coupons })
      .from(promotionCodes)
      .innerJoin(coupons, eq(coupons.id, promotionCodes.couponId))
      .orderBy(desc(promotionCodes.createdAt), desc(promotionCodes.id))
  ).map((r) => ({ promo: r.promo, coupon: r.coupon }));
}

/**
 * Turns a promotion code off (customers can no longer redeem it; discounts it gave stay) or on
 * again. On Stripe, Stripe's code is changed first, so Stripe Checkout agrees; setting the state it
 * already has changes nothing.
 */
export async function setPromotionCodeActive(
  id: string,
  active: boolean,
): Promise<{ promo: PromotionCode; coupon: Coupon }> {
  const [row] = await db
    .select({ promo: promotionCodes, coupon: coupons })
    .from(promotionCodes)
    .innerJoin(coupons, eq(coupons.id, promotionCodes.couponId))
    .where(eq(promotionCodes.id, id));
  if (!row) throw notFound("Promotion code");
  if (row.promo.active === active) return row;
  if (activeProvider() === "stripe" && row.promo.stripePromotionCodeId)
    await setStripePromotionCodeActive(row.promo.stripePromotionCodeId, active);
  const [promo] = await db.update(promotionCodes).set({ active }).where(eq(promotionCodes.id, id)).returning();
  return { promo: promo!, coupon: row.coupon };
}
