// Coupons on the Stripe rail, against the Stripe-shaped loopback server: coupons and promotion
// codes are created in Stripe, a code typed at checkout goes on the Checkout Session (Stripe's
// total is the discounted one), and the subscription Stripe makes keeps the discount in Tally.
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as couponsRoute from "@/app/api/v1/coupons/route";
import * as promoRoute from "@/app/api/v1/promotion-codes/route";
import * as promoIdRoute from "@/app/api/v1/promotion-codes/[id]/route";
import * as discountRoute from "@/app/api/v1/subscriptions/[id]/discount/route";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { db } from "@/lib/db/client";
import { checkoutSessions, organizations, plans, subscriptionDiscounts, subscriptions } from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { applyCouponToCustomer } from "@/lib/coupons/redeem";
import { call, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { deliverStripeEvent, withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_coupons_stripe";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });

let priceId: string;
beforeAll(async () => {
  const product = stripe.createProduct({ name: `Pro ${uid()}` });
  priceId = stripe.createPrice({ product: product.id, unit_amount: 9900, recurring: { interval: "month" } }).id;
  await syncAllPlansFromStripe();
});

const deliver = (event: Record<string, unknown>) => deliverStripeEvent(event, SECRET);

describe("coupons with Stripe", () => {
  it("a promotion code at Stripe Checkout: created in Stripe, on the session, kept by the webhook-created subscription", async () => {
    const key = await platformKey();
    const coupon = await call<{ id: string; stripe_coupon_id: string }>(couponsRoute.POST, "POST", "/api/v1/coupons", {
      key,
      body: { code: `S${uid()}`, name: "Quarter off", percent_off: "25", duration: "repeating", duration_in_months: 3 },
    });
    expect(coupon.status).toBe(201);
    expect(stripe.objects.get(coupon.json.stripe_coupon_id)).toMatchObject({
      percent_off: 25,
      duration: "repeating",
      duration_in_months: 3,
    });
    const promo = await call<{ id: string; code: string; stripe_promotion_code_id: string }>(
      promoRoute.POST,
      "POST",
      "/api/v1/promotion-codes",
      { key, body: { coupon_id: coupon.json.id, code: `save${uid()}` } },
    );
    expect(promo.status).toBe(201);
    expect(stripe.objects.get(promo.json.stripe_promotion_code_id)).toMatchObject({
      code: promo.json.code,
      promotion: { type: "coupon", coupon: coupon.json.stripe_coupon_id },
    });
    // Turned off and on again: Stripe's code follows, so Stripe Checkout agrees with Tally.
    for (const active of [false, true]) {
      const r = await call(promoIdRoute.PATCH, "PATCH", `/api/v1/promotion-codes/${promo.json.id}`, {
        key,
        params: { id: promo.json.id },
        body: { active },
      });
      expect(r.status).toBe(200);
      expect(stripe.objects.get(promo.json.stripe_promotion_code_id)).toMatchObject({ active });
    }

    const org = await makeOrg();
    await runDueJobs(new Date(Date.now() + 1000)); // the outbox creates the Stripe customer
    const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    const cookie = await sessionCookie((await makeUser("owner", org.id)).id);
    const [plan] = await db.select().from(plans).where(eq(plans.stripePriceId, priceId));
    const res = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan!.id, promotion_code: promo.json.code.toLowerCase() },
    });
    expect(res.status).toBe(201);
    const sent = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(sent.body).toMatchObject({ discounts: [{ promotion_code: promo.json.stripe_promotion_code_id }] });
    const [local] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, res.json.id));
    const session = stripe.objects.get(local!.providerSessionId!)!;
    expect(session).toMatchObject({ amount_subtotal: 9900, amount_total: 7425 });
    expect(local!.amountCents).toBe(7425);

    const done = stripe.completeSubscriptionCheckout(session.id as string);
    expect(done.subscription.customer).toBe(row!.stripeCustomerId);
    await deliver(stripe.event("customer.subscription.created", done.subscription));
    const [sub] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, done.subscription.id as string));
    expect(sub).toMatchObject({ orgId: org.id, discountPercent: "25" });
    const [discount] = await db
      .select()
      .from(subscriptionDiscounts)
      .where(eq(subscriptionDiscounts.subscriptionId, sub!.id));
    expect(discount).toMatchObject({ couponId: coupon.json.id, promotionCodeId: promo.json.id });
    // Three months from the first period: the discount ends with them.
    expect(discount!.endsAt!.getTime()).toBeGreaterThan(sub!.currentPeriodStart.getTime() + 85 * 86_400_000);
    // A replayed event records it once.
    await deliver(stripe.event("customer.subscription.created", done.subscription));
    expect(await db.$count(subscriptionDiscounts, eq(subscriptionDiscounts.subscriptionId, sub!.id))).toBe(1);
  });

  it("an operator's coupon on a Stripe subscription is put on the Stripe subscription, then recorded in Tally", async () => {
    const key = await platformKey();
    const coupon = await call<{ id: string; stripe_coupon_id: string }>(couponsRoute.POST, "POST", "/api/v1/coupons", {
      key,
      body: { code: `O${uid()}`, name: "Ten off", amount_off_cents: 1000, currency: "usd", duration: "forever" },
    });
    const org = await makeOrg();
    await runDueJobs(new Date(Date.now() + 1000));
    const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    const created = stripe.createSubscription({ customer: row!.stripeCustomerId!, price: priceId });
    await deliver(stripe.event("customer.subscription.created", created));

    stripe.failNext(/POST \/v1\/subscriptions\//, 503);
    await expect(applyCouponToCustomer(org.id, coupon.json.id, "user:op")).rejects.toMatchObject({
      code: "provider_unavailable",
    });
    const [before] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(before!.discountAmountCents).toBe(0);

    await applyCouponToCustomer(org.id, coupon.json.id, "user:op");
    expect(stripe.objects.get(created.id as string)).toMatchObject({
      discount: { coupon: { id: coupon.json.stripe_coupon_id } },
    });
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(after!.discountAmountCents).toBe(1000);

    // The operator removes it: Stripe's discount is deleted first (Stripe down: nothing changes), then Tally's.
    const path = `/api/v1/subscriptions/${after!.id}/discount`;
    stripe.failNext(/DELETE \/v1\/subscriptions\/.*\/discount/, 503);
    expect((await call(discountRoute.DELETE, "DELETE", path, { key, params: { id: after!.id } })).status).toBe(503);
    expect(stripe.objects.get(created.id as string)!.discount).toBeTruthy();
    expect((await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id)))[0]!.discountAmountCents).toBe(
      1000,
    );
    expect((await call(discountRoute.DELETE, "DELETE", path, { key, params: { id: after!.id } })).status).toBe(200);
    expect(stripe.objects.get(created.id as string)!.discount).toBeNull();
    const [removed] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(removed!.discountAmountCents).toBe(0);
    expect(
      await db.$count(
        subscriptionDiscounts,
        and(eq(subscriptionDiscounts.subscriptionId, after!.id), isNull(subscriptionDiscounts.removedAt)),
      ),
    ).toBe(0);
  });

  it("Stripe down while creating a coupon stores nothing (503), so a retry creates it once", async () => {
    const key = await platformKey();
    const code = `D${uid()}`;
    stripe.failNext(/POST \/v1\/coupons/, 503);
    const down = await call(couponsRoute.POST, "POST", "/api/v1/coupons", {
      key,
      body: { code, name: "Down", percent_off: "10", duration: "once" },
    });
    expect(down.status).toBe(503);
    const again = await call(couponsRoute.POST, "POST", "/api/v1/coupons", {
      key,
      body: { code, name: "Down", percent_off: "10", duration: "once" },
    });
    expect(again.status).toBe(201);
  });
});
