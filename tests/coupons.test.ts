// Coupons and promotion codes end to end on the local provider: the API (operators only), a code
// at the sandbox checkout, the invoices' discount lines over the coupon's duration, MRR while the
// discount lasts and after, the plan-change form's code, and one customer never reaching another's.
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as couponsRoute from "@/app/api/v1/coupons/route";
import * as promoRoute from "@/app/api/v1/promotion-codes/route";
import * as promoIdRoute from "@/app/api/v1/promotion-codes/[id]/route";
import * as discountRoute from "@/app/api/v1/subscriptions/[id]/discount/route";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as upcoming from "@/app/api/v1/billing/upcoming-invoice/route";
import * as changePlanRoute from "@/app/api/v1/billing/subscription/change-plan/route";
import { db } from "@/lib/db/client";
import { invoiceLines, invoices, subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { applyCouponToCustomer, removeSubscriptionDiscount } from "@/lib/coupons/redeem";
import { billingStats } from "@/lib/revenue/stats";
import { twelfthsToMinor } from "@/lib/revenue/mrr";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { changePlan } from "@/lib/payments/lifecycle";
import { prorate } from "@/lib/payments/proration";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeOrg, makePlan, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

type CouponOut = { id: string; code: string; times_redeemed: number };
type PromoOut = { id: string; code: string; times_redeemed: number; coupon: CouponOut };

const code = (p: string) => `${p}${uid()}`.toUpperCase();

async function operatorCoupon(body: Record<string, unknown>): Promise<CouponOut> {
  const key = await platformKey();
  const r = await call<CouponOut>(couponsRoute.POST, "POST", "/api/v1/coupons", {
    key,
    body: { code: code("C"), name: "A coupon", ...body },
  });
  expect(r.status).toBe(201);
  return r.json;
}

async function operatorPromo(couponId: string, body: Record<string, unknown> = {}): Promise<PromoOut> {
  const key = await platformKey();
  const r = await call<PromoOut>(promoRoute.POST, "POST", "/api/v1/promotion-codes", {
    key,
    body: { coupon_id: couponId, code: code("P"), ...body },
  });
  expect(r.status).toBe(201);
  return r.json;
}

async function owner() {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  return { org, cookie: await sessionCookie(user.id) };
}

async function linesOf(orgId: string) {
  const invs = await db
    .select()
    .from(invoices)
    .where(eq(invoices.orgId, orgId))
    .orderBy(asc(invoices.periodStart), asc(invoices.createdAt));
  const out: { total: number; lines: [string, number][] }[] = [];
  for (const inv of invs) {
    const ls = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id));
    out.push({ total: inv.totalCents, lines: ls.map((l) => [l.kind, l.amountCents]) });
  }
  return out;
}

describe("coupons API", () => {
  it("an operator creates coupons and codes; a bad coupon names its field; a customer can neither list nor create them", async () => {
    const coupon = await operatorCoupon({ percent_off: "12.5", duration: "repeating", duration_in_months: 3 });
    expect(coupon).toMatchObject({ percent_off: "12.5", duration: "repeating", duration_in_months: 3 });
    const promo = await operatorPromo(coupon.id, { code: `spring${uid()}` });
    expect(promo.code).toBe(promo.code.toUpperCase());
    expect(promo.coupon.id).toBe(coupon.id);

    const key = await platformKey();
    const bad = await call(couponsRoute.POST, "POST", "/api/v1/coupons", {
      key,
      body: {
        code: code("B"),
        name: "Both",
        percent_off: "10",
        amount_off_cents: 500,
        currency: "usd",
        duration: "once",
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("percent_off");
    const noMonths = await call(couponsRoute.POST, "POST", "/api/v1/coupons", {
      key,
      body: { code: code("B"), name: "Repeat", percent_off: "10", duration: "repeating" },
    });
    expect(noMonths.status).toBe(400);
    expect(JSON.stringify(noMonths.json)).toContain("duration_in_months");

    const { org, cookie } = await owner();
    const asCustomer = await customerKey(org.id);
    for (const auth of [{ key: asCustomer }, { cookie }]) {
      expect((await call(couponsRoute.GET, "GET", "/api/v1/coupons", auth)).status).toBe(403);
      expect(
        (
          await call(couponsRoute.POST, "POST", "/api/v1/coupons", {
            ...auth,
            body: { code: code("X"), name: "Mine", percent_off: "100", duration: "forever" },
          })
        ).status,
      ).toBe(403);
      expect((await call(promoRoute.GET, "GET", "/api/v1/promotion-codes", auth)).status).toBe(403);
    }
  });
});

describe("a promotion code at the sandbox checkout", () => {
  it("the checkout charges the discounted price; the first invoice carries the discount line; once means once", async () => {
    const plan = await makePlan({ basePriceCents: 4900 });
    const coupon = await operatorCoupon({ percent_off: "20", duration: "once" });
    const promo = await operatorPromo(coupon.id);
    const { org, cookie } = await owner();

    const co = await call<{ id: string; amount_cents?: number }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id, promotion_code: ` ${promo.code.toLowerCase()} ` },
    });
    expect(co.status).toBe(201);
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test")).toMatchObject({
      ok: true,
    });
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect((await linesOf(org.id)).map((i) => i.total)).toEqual([3920]);
    expect((await linesOf(org.id))[0]!.lines).toEqual([
      ["subscription", 4900],
      ["other", -980],
    ]);

    // The upcoming invoice (next period) has no discount: the coupon was for one period.
    const up = await call<{ discounts: unknown[]; plan_fee: { amount_cents: number } }>(
      upcoming.GET,
      "GET",
      "/api/v1/billing/upcoming-invoice",
      { cookie },
    );
    expect(up.status).toBe(200);
    expect(up.json.discounts).toEqual([]);

    await rollOverSubscriptions(new Date(sub!.currentPeriodEnd.getTime() + 1000));
    expect((await linesOf(org.id)).map((i) => i.total)).toEqual([3920, 4900]);
    const after = (
      await call<PromoOut[] & { data: PromoOut[] }>(promoRoute.GET, "GET", "/api/v1/promotion-codes", {
        key: await platformKey(),
      })
    ).json.data.find((p) => p.id === promo.id)!;
    expect(after.times_redeemed).toBe(1);
    expect(after.coupon.times_redeemed).toBe(1);
  });

  it("refuses an unknown, used-up or other-plan code, naming promotion_code, and writes nothing", async () => {
    const plan = await makePlan({ basePriceCents: 4900 });
    const other = await makePlan({ basePriceCents: 900 });
    const limited = await operatorCoupon({ percent_off: "50", duration: "forever", plan_codes: [other.code] });
    const onlyOther = await operatorPromo(limited.id);
    const oneUse = await operatorPromo(
      (await operatorCoupon({ amount_off_cents: 500, currency: "usd", duration: "once" })).id,
      {
        max_redemptions: 1,
      },
    );
    const { org, cookie } = await owner();
    const seller = await owner();
    // Someone else uses the one-use code.
    const first = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie: seller.cookie,
      body: { plan_id: plan.id, promotion_code: oneUse.code },
    });
    await payLocalCheckout(seller.org.id, first.json.id, { cardNumber: "4242424242424242" }, "test");

    for (const c of ["NOPE-" + uid(), onlyOther.code, oneUse.code]) {
      const r = await call(checkout.POST, "POST", "/api/v1/billing/checkout", {
        cookie,
        body: { plan_id: plan.id, promotion_code: c },
      });
      expect(r.status, c).toBe(400);
      expect(JSON.stringify(r.json)).toContain("promotion_code");
    }
    expect(await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id))).toEqual([]);
  });
});

describe("a coupon on the local provider's invoices and in MRR", () => {
  it("repeating for 2 months: two discounted invoices, then the full price; MRR counts the discount while it lasts", async () => {
    const tier = `tier-${uid()}`;
    const plan = await makePlan({ basePriceCents: 2900, tier });
    const coupon = await operatorCoupon({ percent_off: "12.5", duration: "repeating", duration_in_months: 2 });
    const org = await makeOrg();
    const start = new Date("2026-01-31T00:00:00Z");
    // Invoice billing (manual): periods are invoiced without a card, so nothing goes past due.
    await subscribe(org.id, { plan: { id: plan.id }, actor: "test", now: start, provider: "manual", skipTrial: true });
    // An operator applies the coupon just after the first fee was billed: it starts with the next one.
    const { discount } = await applyCouponToCustomer(org.id, coupon.id, "user:op", new Date(start.getTime() + 5000));
    expect(discount.startsAt.toISOString()).toBe("2026-02-28T00:00:00.000Z");
    const mrrOfTier = async () =>
      twelfthsToMinor(
        (await billingStats()).tiers.find((t) => t.tier === tier)?.mrrTwelfths ??
          (await import("@/lib/revenue/mrr")).ZERO,
      );
    expect(await mrrOfTier()).toBe(2538); // 29.00 − 12.5 % = 25.375 → 25.38

    for (const at of ["2026-02-28T00:00:01Z", "2026-03-31T00:00:01Z", "2026-04-30T00:00:01Z"])
      await rollOverSubscriptions(new Date(at));
    // Jan 31 was billed before the coupon; Feb 28 and Mar 31 are its two months; Apr 30 is full price.
    expect((await linesOf(org.id)).map((i) => i.total)).toEqual([2900, 2537, 2537, 2900]);
    expect(await mrrOfTier()).toBe(2900);
    // The history (revenue series and movements read it) holds the discount from its application to
    // the renewal past its end: a contraction, then the expansion back to the full price.
    const history = await db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.orgId, org.id))
      .orderBy(asc(subscriptionHistory.occurredAt));
    expect(history.map((h) => [h.action, h.discountPercent])).toEqual([
      ["created", "0"],
      ["discount_changed", "12.5"],
      ["renewed", "12.5"],
      ["renewed", "12.5"],
      ["renewed", "0"],
    ]);
  });

  it("an amount off larger than the fee makes a zero invoice, never a negative one, and the upcoming invoice shows it", async () => {
    const plan = await makePlan({ basePriceCents: 900 });
    const coupon = await operatorCoupon({ amount_off_cents: 2000, currency: "usd", duration: "forever" });
    const promo = await operatorPromo(coupon.id);
    const { org, cookie } = await owner();
    const co = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id, promotion_code: promo.code },
    });
    await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test");
    expect((await linesOf(org.id))[0]).toEqual({
      total: 0,
      lines: [
        ["subscription", 900],
        ["other", -900],
      ],
    });
    const up = await call<{ discounts: { amount_cents: number; description: string }[] }>(
      upcoming.GET,
      "GET",
      "/api/v1/billing/upcoming-invoice",
      { cookie },
    );
    expect(up.json.discounts).toEqual([expect.objectContaining({ amount_cents: -900 })]);
    expect(up.json.discounts[0]!.description).toContain(coupon.code);
  });

  it("a code typed with a plan change attaches to the caller's subscription only, never another customer's", async () => {
    const plan = await makePlan({ basePriceCents: 2900 });
    const bigger = await makePlan({ basePriceCents: 9900 });
    const promo = await operatorPromo((await operatorCoupon({ percent_off: "50", duration: "forever" })).id);
    const a = await owner();
    const b = await owner();
    for (const o of [a, b])
      await subscribe(o.org.id, { plan: { id: plan.id }, actor: "test", provider: "local", skipTrial: true });
    const { addSandboxCard } = await import("@/lib/payments/payment-methods");
    await db.transaction((tx) => addSandboxCard(tx, a.org.id, { number: "4242424242424242" }));
    const r = await call(changePlanRoute.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie: a.cookie,
      body: { plan_id: bigger.id, promotion_code: promo.code, customer_id: b.org.id },
    });
    expect(r.status).toBe(403);
    const ok = await call(changePlanRoute.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie: a.cookie,
      body: { plan_id: bigger.id, promotion_code: promo.code },
    });
    expect(ok.status).toBe(200);
    const [subA] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, a.org.id));
    const [subB] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, b.org.id));
    expect(subA!.discountPercent).toBe("50");
    expect(subB!.discountPercent).toBe("0");
    const upB = await call<{ discounts: unknown[] }>(upcoming.GET, "GET", "/api/v1/billing/upcoming-invoice", {
      cookie: b.cookie,
    });
    expect(upB.json.discounts).toEqual([]);
    const upA = await call<{ discounts: { amount_cents: number }[] }>(
      upcoming.GET,
      "GET",
      "/api/v1/billing/upcoming-invoice",
      {
        cookie: a.cookie,
      },
    );
    expect(upA.json.discounts.map((d) => d.amount_cents)).toEqual([-4950]);
  });
});

describe("an operator ends what a coupon gave", () => {
  it("a deactivated promotion code is refused at checkout (naming promotion_code) until activated again; a customer cannot change it", async () => {
    const plan = await makePlan({ basePriceCents: 4900 });
    const promo = await operatorPromo((await operatorCoupon({ percent_off: "20", duration: "once" })).id);
    const key = await platformKey();
    const { org, cookie } = await owner();
    for (const auth of [{ cookie }, { key: await customerKey(org.id) }]) {
      const r = await call(promoIdRoute.PATCH, "PATCH", `/api/v1/promotion-codes/${promo.id}`, {
        ...auth,
        params: { id: promo.id },
        body: { active: false },
      });
      expect(r.status).toBe(403);
    }
    const off = await call<{ active: boolean }>(promoIdRoute.PATCH, "PATCH", `/api/v1/promotion-codes/${promo.id}`, {
      key,
      params: { id: promo.id },
      body: { active: false },
    });
    expect(off.status).toBe(200);
    expect(off.json.active).toBe(false);
    const refused = await call(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id, promotion_code: promo.code },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain("promotion_code");
    const bad = await call(promoIdRoute.PATCH, "PATCH", `/api/v1/promotion-codes/${promo.id}`, {
      key,
      params: { id: promo.id },
      body: { active: "no" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("active");

    const on = await call<{ active: boolean }>(promoIdRoute.PATCH, "PATCH", `/api/v1/promotion-codes/${promo.id}`, {
      key,
      params: { id: promo.id },
      body: { active: true },
    });
    expect(on.json.active).toBe(true);
    const ok = await call(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id, promotion_code: promo.code },
    });
    expect(ok.status).toBe(201);
  });

  it("removing a subscription's discount makes the next invoice full price and is in the history; a customer cannot remove it", async () => {
    const plan = await makePlan({ basePriceCents: 2900 });
    const coupon = await operatorCoupon({ percent_off: "50", duration: "forever" });
    const { org, cookie } = await owner();
    const start = new Date("2026-01-31T00:00:00Z");
    const sub = await subscribe(org.id, {
      plan: { id: plan.id },
      actor: "test",
      now: start,
      provider: "manual",
      skipTrial: true,
    });
    await applyCouponToCustomer(org.id, coupon.id, "user:op", new Date(start.getTime() + 5000));
    const path = `/api/v1/subscriptions/${sub.id}/discount`;
    for (const auth of [{ cookie }, { key: await customerKey(org.id) }]) {
      const r = await call(discountRoute.DELETE, "DELETE", path, { ...auth, params: { id: sub.id } });
      expect(r.status).toBe(403);
    }
    await rollOverSubscriptions(new Date("2026-02-28T00:00:01Z"));
    // The operator removes it during the period (the admin page's step, at a time of the test's calendar).
    expect((await removeSubscriptionDiscount(sub.id, "user:op", new Date("2026-03-01T00:00:00Z"))).removed).toBe(true);
    // Through the API again: nothing left to remove, nothing written.
    const key = await platformKey();
    const again = await call<{ id: string }>(discountRoute.DELETE, "DELETE", path, { key, params: { id: sub.id } });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(sub.id);
    await rollOverSubscriptions(new Date("2026-03-31T00:00:01Z"));
    // Jan 31 was billed before the coupon, Feb 28 with it, Mar 31 after its removal.
    expect((await linesOf(org.id)).map((i) => i.total)).toEqual([2900, 1450, 2900]);
    const history = await db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.orgId, org.id))
      .orderBy(asc(subscriptionHistory.occurredAt));
    expect(history.map((h) => [h.action, h.discountPercent])).toEqual([
      ["created", "0"],
      ["discount_changed", "50"],
      ["renewed", "50"],
      ["discount_changed", "0"],
      ["renewed", "0"],
    ]);
    expect(history[3]!.comment).toContain(`Coupon ${coupon.code} ended`);
    const missing = await call(discountRoute.DELETE, "DELETE", "/api/v1/subscriptions/sub_nope/discount", {
      key,
      params: { id: "sub_nope" },
    });
    expect(missing.status).toBe(404);
  });
});

describe("a coupon limited to some plans", () => {
  /** A customer on `small` with a 50 % coupon for `small` only, redeemed at checkout (it covers the first period). */
  async function onDiscountedPlan() {
    const small = await makePlan({ basePriceCents: 4900 });
    const big = await makePlan({ basePriceCents: 9900 });
    const coupon = await operatorCoupon({ percent_off: "50", duration: "forever", plan_codes: [small.code] });
    const promo = await operatorPromo(coupon.id);
    const o = await owner();
    const co = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie: o.cookie,
      body: { plan_id: small.id, promotion_code: promo.code },
    });
    expect(co.status).toBe(201);
    await payLocalCheckout(o.org.id, co.json.id, { cardNumber: "4242424242424242" }, "test");
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, o.org.id));
    expect(sub!.discountPercent).toBe("50");
    return { ...o, small, big, coupon, sub: sub! };
  }

  const historyOf = (orgId: string) =>
    db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.orgId, orgId))
      .orderBy(asc(subscriptionHistory.occurredAt), asc(subscriptionHistory.id));

  it("an upgrade to a plan outside its list ends it at the change: the new plan's proration is full price", async () => {
    const { org, cookie, small, big, coupon, sub } = await onDiscountedPlan();
    const at = new Date(sub.currentPeriodStart.getTime() + 10 * 86_400_000);
    await changePlan(org.id, big.id, "user:owner", at);
    const expected = prorate({
      oldCents: 2450, // what was paid: the small plan at half price
      newCents: 9900, // the big plan, not discounted
      periodStart: sub.currentPeriodStart,
      periodEnd: sub.currentPeriodEnd,
      at,
      currency: "usd",
      sameInterval: true,
    }).amountCents;
    const invs = await linesOf(org.id);
    expect(invs.at(-1)!.lines).toEqual([["proration", expected]]);
    // Discounted on both sides it would have been half of that, give or take a cent.
    expect(expected).toBeGreaterThan(Math.round(9900 * 0.5 - 2450));

    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, sub.id));
    expect(after!.discountPercent).toBe("0");
    const history = await historyOf(org.id);
    const ended = history.find((h) => h.action === "discount_changed" && h.discountPercent === "0");
    expect(ended?.comment).toContain(`Coupon ${coupon.code} ended`);
    expect(ended?.planId).toBe(big.id);
    expect(ended?.occurredAt.toISOString()).toBe(at.toISOString());
    const up = await call<{ discounts: unknown[] }>(upcoming.GET, "GET", "/api/v1/billing/upcoming-invoice", {
      cookie,
    });
    expect(up.json.discounts).toEqual([]);
    expect(small.id).not.toBe(big.id);
  });

  it("an upgrade to a plan in its list keeps it", async () => {
    const small = await makePlan({ basePriceCents: 4900 });
    const big = await makePlan({ basePriceCents: 9900 });
    const coupon = await operatorCoupon({ percent_off: "50", duration: "forever", plan_codes: [small.code, big.code] });
    const promo = await operatorPromo(coupon.id);
    const { org, cookie } = await owner();
    const co = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: small.id, promotion_code: promo.code },
    });
    await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test");
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    await changePlan(org.id, big.id, "user:owner", new Date(sub!.currentPeriodStart.getTime() + 10 * 86_400_000));
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, sub!.id));
    expect(after!.discountPercent).toBe("50");
  });

  it("a downgrade to a plan outside its list ends it when the downgrade takes effect: that period's fee is full price", async () => {
    const { org, small, coupon, sub } = await onDiscountedPlan();
    const mid = await makePlan({ basePriceCents: 2900 });
    await changePlan(org.id, mid.id, "user:owner", new Date(sub.currentPeriodStart.getTime() + 86_400_000));
    const [pending] = await db.select().from(subscriptions).where(eq(subscriptions.id, sub.id));
    expect(pending!.pendingPlanId).toBe(mid.id);
    expect(pending!.discountPercent).toBe("50");
    await rollOverSubscriptions(new Date(sub.currentPeriodEnd.getTime() + 1000));
    const invs = await linesOf(org.id);
    // The first period at half price; the renewal onto the cheaper plan outside the list at full price.
    expect(invs.map((i) => i.total)).toEqual([2450, 2900]);
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, sub.id));
    expect(after).toMatchObject({ planId: mid.id, discountPercent: "0" });
    const history = await historyOf(org.id);
    const changed = history.find((h) => h.action === "plan_changed");
    expect(changed).toMatchObject({ fromPlanId: small.id, planId: mid.id, discountPercent: "0" });
    expect(changed!.comment).toContain(`Coupon ${coupon.code} ended`);
  });
});
