import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as portal from "@/app/api/v1/billing/portal/route";
import * as cancel from "@/app/api/v1/billing/subscription/cancel/route";
import * as changePlan from "@/app/api/v1/billing/subscription/change-plan/route";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db/client";
import { organizations, plans, subscriptions } from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { call, makeOrg, makePlan, makeUser, sessionCookie, uid } from "./support/fixtures";
import { deliverStripeEvent, withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_billing_stripe";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });

let prices: { starter: string; pro: string };
beforeAll(async () => {
  const a = stripe.createProduct({ name: `Starter ${uid()}` });
  const b = stripe.createProduct({ name: `Pro ${uid()}` });
  prices = {
    starter: stripe.createPrice({
      product: a.id,
      unit_amount: 2900,
      recurring: { interval: "month", trial_period_days: 7 },
    }).id,
    pro: stripe.createPrice({ product: b.id, unit_amount: 9900, recurring: { interval: "month" } }).id,
  };
  await syncAllPlansFromStripe();
});

const planFor = async (price: string) => (await db.select().from(plans).where(eq(plans.stripePriceId, price)))[0]!;

async function customerWithStripe() {
  const org = await makeOrg();
  await runDueJobs(new Date(Date.now() + 1000)); // the outbox creates the Stripe customer
  const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
  const owner = await makeUser("owner", org.id);
  return { org: row!, cookie: await sessionCookie(owner.id) };
}

const deliver = (event: Record<string, unknown>) => deliverStripeEvent(event, SECRET);

describe("billing with Stripe", () => {
  it("opens Stripe Checkout for a plan with the customer, the price and the plan's trial", async () => {
    const { org, cookie } = await customerWithStripe();
    expect(org.stripeCustomerId).toMatch(/^cus_/);
    const starter = await planFor(prices.starter);
    const res = await call<{ url: string; provider: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: starter.id },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ provider: "stripe" });
    expect(res.json.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const sent = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(sent.body).toMatchObject({
      mode: "subscription",
      customer: org.stripeCustomerId,
      line_items: [{ price: prices.starter, quantity: "1" }],
      subscription_data: { trial_period_days: "7" },
    });
    expect(sent.idempotencyKey).toMatch(/^tally-checkout-cs_/);
  });

  it("refuses a plan that is not linked to a Stripe price, naming the field", async () => {
    const { cookie } = await customerWithStripe();
    const local = await makePlan();
    const res = await call<{ error: { details: { field: string }[] } }>(
      checkout.POST,
      "POST",
      "/api/v1/billing/checkout",
      { cookie, body: { plan_id: local.id } },
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details[0]!.field).toBe("plan_id");
  });

  it("opens Checkout in payment mode for a credit pack, and the Customer Portal", async () => {
    const { org, cookie } = await customerWithStripe();
    const pack = await insertCreditProduct({
      code: `pack-${uid()}`,
      name: "5k credits",
      credits: 5000,
      priceCents: 4500,
      currency: "usd",
    });
    expect(
      (await call(checkout.POST, "POST", "/api/v1/billing/checkout", { cookie, body: { credit_product_id: pack.id } }))
        .status,
    ).toBe(201);
    const sent = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(sent.body).toMatchObject({
      mode: "payment",
      metadata: { tally_credit_product_id: pack.id, tally_org_id: org.id },
      line_items: [{ price_data: { unit_amount: "4500", currency: "usd" } }],
    });
    const p = await call<{ url: string }>(portal.POST, "POST", "/api/v1/billing/portal", { cookie });
    expect(p.json.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
  });

  it("answers 503 with a clear message when Stripe is down at checkout", async () => {
    const { cookie } = await customerWithStripe();
    stripe.failNext(/POST \/v1\/checkout\/sessions/, 503);
    const res = await call<{ error: { code: string } }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: (await planFor(prices.pro)).id },
    });
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe("provider_unavailable");
  });

  it("cancels, upgrades with Stripe's prorated preview, and applies a downgrade at the period end through the outbox", async () => {
    const { org, cookie } = await customerWithStripe();
    const sub = stripe.createSubscription({ customer: org.stripeCustomerId!, price: prices.starter });
    await deliver(stripe.event("customer.subscription.created", sub));

    const canceled = await call<{ cancel_at_period_end: boolean }>(
      cancel.POST,
      "POST",
      "/api/v1/billing/subscription/cancel",
      { cookie },
    );
    expect(canceled.json.cancel_at_period_end).toBe(true);
    expect(stripe.objects.get(sub.id)!.cancel_at_period_end).toBe(true);

    const pro = await planFor(prices.pro);
    const preview = await call<{ amount_due_now_cents: number; direction: string }>(
      changePlan.POST,
      "POST",
      "/api/v1/billing/subscription/change-plan",
      { cookie, body: { plan_id: pro.id, preview: true } },
    );
    expect(preview.json).toMatchObject({ direction: "upgrade", amount_due_now_cents: 3500 }); // the stand-in's preview: half the difference
    await call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: pro.id },
    });
    const stripeItem = (stripe.objects.get(sub.id)!.items as { data: { price: { id: string } }[] }).data[0]!;
    expect(stripeItem.price.id).toBe(prices.pro);
    const [afterUpgrade] = await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, sub.id));
    expect(afterUpgrade!.planId).toBe(pro.id);

    const starter = await planFor(prices.starter);
    const down = await call<{ effective: string }>(
      changePlan.POST,
      "POST",
      "/api/v1/billing/subscription/change-plan",
      { cookie, body: { plan_id: starter.id } },
    );
    expect(down.json.effective).toBe("period_end");
    expect((stripe.objects.get(sub.id)!.items as { data: { price: { id: string } }[] }).data[0]!.price.id).toBe(
      prices.pro,
    ); // not yet
    await runDueJobs(new Date(afterUpgrade!.currentPeriodEnd.getTime() + 1000));
    expect((stripe.objects.get(sub.id)!.items as { data: { price: { id: string } }[] }).data[0]!.price.id).toBe(
      prices.starter,
    );
    const [afterDowngrade] = await db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.stripeSubscriptionId, sub.id));
    expect(afterDowngrade).toMatchObject({ planId: starter.id, pendingPlanId: null });
  });
});
