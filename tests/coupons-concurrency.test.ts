// Redemption limits hold under concurrency: the count is taken by one conditional UPDATE, so a
// limit of 1 redeemed at once by many customers lets exactly one through. PGlite runs one
// transaction at a time and cannot show a race; this file matters on Postgres (TEST_DATABASE_URL).
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createCoupon, createPromotionCode } from "@/lib/coupons/coupons";
import { applyCouponToCustomer } from "@/lib/coupons/redeem";
import { db } from "@/lib/db/client";
import { coupons, promotionCodes, subscriptionDiscounts, subscriptions } from "@/lib/db/schema";
import { startCheckout } from "@/lib/payments/checkout";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { AppError } from "@/lib/http/errors";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { makeOrg, makePlan, uid } from "./support/fixtures";

const CUSTOMERS = process.env.TEST_DB === "postgres" ? 8 : 3;
const code = (p: string) => `${p}${uid()}`.toUpperCase();

describe("redemption limits under concurrency", () => {
  it("a coupon limited to 1, applied to several customers at once: exactly one gets it", async () => {
    const plan = await makePlan({ basePriceCents: 2900 });
    const coupon = await createCoupon({
      code: code("ONE"),
      name: "One only",
      percent_off: "30",
      duration: "forever",
      applies_to: "plan",
      plan_codes: [],
      max_redemptions: 1,
    });
    const orgs = await Promise.all(Array.from({ length: CUSTOMERS }, () => makeOrg()));
    for (const o of orgs) await subscribe(o.id, { plan: { id: plan.id }, actor: "test", skipTrial: true });
    const results = await Promise.allSettled(orgs.map((o) => applyCouponToCustomer(o.id, coupon.id, "user:op")));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(1);
    for (const r of refused) {
      const e = (r as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(AppError);
      expect(["conflict", "validation_error"]).toContain((e as AppError).code);
    }
    const [after] = await db.select().from(coupons).where(eq(coupons.id, coupon.id));
    expect(after!.timesRedeemed).toBe(1);
    expect(await db.$count(subscriptionDiscounts, eq(subscriptionDiscounts.couponId, coupon.id))).toBe(1);
  });

  it("a promotion code limited to 1, typed at several checkouts that complete at once: one subscription gets it, the others' checkouts stay open", async () => {
    const plan = await makePlan({ basePriceCents: 4900 });
    const coupon = await createCoupon({
      code: code("CPN"),
      name: "Half off",
      percent_off: "50",
      duration: "once",
      applies_to: "plan",
      plan_codes: [],
    });
    const { promo } = await createPromotionCode({
      coupon_id: coupon.id,
      code: code("LIMIT"),
      active: true,
      max_redemptions: 1,
      first_time_transaction: false,
    });
    const orgs = await Promise.all(Array.from({ length: CUSTOMERS }, () => makeOrg()));
    // Every checkout is started while the code is still unused: each was shown the discount.
    const sessions: Awaited<ReturnType<typeof startCheckout>>[] = [];
    for (const o of orgs)
      sessions.push(await startCheckout(o.id, { planId: plan.id, promotionCode: promo.code }, "test"));
    expect(sessions.every((s) => s.amountCents === 2450)).toBe(true);
    const results = await Promise.allSettled(
      orgs.map((o, i) => payLocalCheckout(o.id, sessions[i]!.id, { cardNumber: "4242424242424242" }, "test")),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [after] = await db.select().from(promotionCodes).where(eq(promotionCodes.id, promo.id));
    expect(after!.timesRedeemed).toBe(1);
    expect(await db.$count(subscriptionDiscounts, eq(subscriptionDiscounts.promotionCodeId, promo.id))).toBe(1);
  });

  it("a first-time-only code is refused to a customer who had a subscription before", async () => {
    const plan = await makePlan({ basePriceCents: 4900 });
    const coupon = await createCoupon({
      code: code("NEW"),
      name: "Welcome",
      percent_off: "10",
      duration: "once",
      applies_to: "plan",
      plan_codes: [],
    });
    const { promo } = await createPromotionCode({
      coupon_id: coupon.id,
      code: code("WELCOME"),
      active: true,
      first_time_transaction: true,
    });
    const fresh = await makeOrg();
    expect((await startCheckout(fresh.id, { planId: plan.id, promotionCode: promo.code }, "test")).amountCents).toBe(
      4410,
    );
    const returning = await makeOrg();
    const old = await subscribe(returning.id, { plan: { id: plan.id }, actor: "test", skipTrial: true });
    await db.update(subscriptions).set({ status: "canceled", endedAt: new Date() }).where(eq(subscriptions.id, old.id));
    await expect(
      startCheckout(returning.id, { planId: plan.id, promotionCode: promo.code }, "test"),
    ).rejects.toMatchObject({ code: "validation_error", message: "promotion_code: is for first-time customers only" });
  });
});
