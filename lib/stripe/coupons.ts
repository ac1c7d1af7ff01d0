// Coupons and promotion codes in Stripe, so that Stripe's invoices carry the discounts (Checkout
// Sessions with `discounts: [{ promotion_code }]`). Plain objects in and out; each create is
// keyed by Tally's id, so a retry makes one Stripe object.
import "server-only";
import { providerError, stripe } from "./client";

export type StripeCouponInput = {
  id: string;
  name: string;
  percentOff: string | null;
  amountOffCents: number | null;
  currency: string | null;
  duration: "once" | "repeating" | "forever";
  durationInMonths: number | null;
  maxRedemptions: number | null;
  redeemBy: Date | null;
};

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw providerError(e);
  }
}

export async function createStripeCoupon(c: StripeCouponInput): Promise<string> {
  const created = await call(() =>
    stripe().coupons.create(
      {
        name: c.name,
        ...(c.percentOff !== null
          ? { percent_off: Number(c.percentOff) }
          : { amount_off: c.amountOffCents ?? 0, currency: c.currency ?? "usd" }),
        duration: c.duration,
        ...(c.duration === "repeating" && { duration_in_months: c.durationInMonths ?? 1 }),
        ...(c.maxRedemptions !== null && { max_redemptions: c.maxRedemptions }),
        ...(c.redeemBy && { redeem_by: Math.floor(c.redeemBy.getTime() / 1000) }),
        metadata: { tally_coupon_id: c.id },
      },
      { idempotencyKey: `tally-coupon-${c.id}` },
    ),
  );
  return created.id;
}

export async function createStripePromotionCode(p: {
  id: string;
  code: string;
  stripeCouponId: string;
  active: boolean;
  expiresAt: Date | null;
  maxRedemptions: number | null;
  firstTimeTransaction: boolean;
}): Promise<string> {
  const created = await call(() =>
    stripe().promotionCodes.create(
      {
        promotion: { type: "coupon", coupon: p.stripeCouponId },
        code: p.code,
        active: p.active,
        ...(p.expiresAt && { expires_at: Math.floor(p.expiresAt.getTime() / 1000) }),
        ...(p.maxRedemptions !== null && { max_redemptions: p.maxRedemptions }),
        ...(p.firstTimeTransaction && { restrictions: { first_time_transaction: true } }),
        metadata: { tally_promotion_code_id: p.id },
      },
      { idempotencyKey: `tally-promo-${p.id}` },
    ),
  );
  return created.id;
}

/** Puts a coupon on a Stripe subscription (replacing its discounts): Stripe's next invoices carry it. */
export async function setStripeSubscriptionCoupon(
  subscriptionId: string,
  stripeCouponId: string,
  idempotencyKey: string,
): Promise<void> {
  await call(() =>
    stripe().subscriptions.update(subscriptionId, { discounts: [{ coupon: stripeCouponId }] }, { idempotencyKey }),
  );
}

/** Turns a promotion code on or off in Stripe (Stripe Checkout then accepts or refuses it). */
export async function setStripePromotionCodeActive(stripePromotionCodeId: string, active: boolean): Promise<void> {
  await call(() => stripe().promotionCodes.update(stripePromotionCodeId, { active }));
}

/** Deletes a Stripe subscription's discount: its next invoices are full price. One already gone counts as done. */
export async function deleteStripeSubscriptionDiscount(subscriptionId: string): Promise<void> {
  try {
    await stripe().subscriptions.deleteDiscount(subscriptionId);
  } catch (e) {
    if ((e as { code?: string }).code === "resource_missing") return;
    throw providerError(e);
  }
}
