import { and, asc, eq } from "drizzle-orm";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import * as webhook from "@/app/api/webhooks/stripe/route";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { db } from "@/lib/db/client";
import {
  invoices,
  organizations,
  paymentMethods,
  payments,
  plans,
  subscriptionHistory,
  subscriptions,
  webhookEvents,
  webhookMessages,
} from "@/lib/db/schema";
import { processStoredEvent } from "@/lib/webhooks/receive";
import { makeOrg, uid } from "./support/fixtures";
import { now, type StripeServer } from "./support/stripe-server";
import { withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_test_tally";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });
const sdk = new Stripe("sk_test_signing_only");

function sign(payload: string, opts: { secret?: string; timestamp?: number } = {}) {
  return sdk.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, timestamp: opts.timestamp });
}

async function deliver(
  event: Record<string, unknown>,
  opts: { secret?: string; timestamp?: number; tamper?: boolean; noSignature?: boolean } = {},
) {
  const payload = JSON.stringify(event);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (!opts.noSignature) headers["stripe-signature"] = sign(payload, opts);
  const res = await webhook.POST(
    new Request("http://tally.test/api/webhooks/stripe", {
      method: "POST",
      headers,
      body: opts.tamper ? payload.replace("false", "true ") : payload,
    }),
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

type Fixture = { org: { id: string }; customer: string; monthly: string; pro: string; server: StripeServer };
let fx: Fixture;

beforeAll(async () => {
  const product = stripe.createProduct({ name: `Hooked ${uid()}`, metadata: { tally_tier: `hooked-${uid()}` } });
  const monthly = stripe.createPrice({ product: product.id, unit_amount: 2900, recurring: { interval: "month" } });
  const proProduct = stripe.createProduct({ name: `Hooked Pro ${uid()}` });
  const pro = stripe.createPrice({ product: proProduct.id, unit_amount: 9900, recurring: { interval: "month" } });
  await syncAllPlansFromStripe();
  const org = await makeOrg();
  const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: { tally_org_id: org.id } });
  await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org.id));
  fx = { org, customer: customer.id, monthly: monthly.id, pro: pro.id, server: stripe };
});

const localSub = async (stripeId: string) =>
  (await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, stripeId)))[0];
const planIdFor = async (priceId: string) =>
  (await db.select().from(plans).where(eq(plans.stripePriceId, priceId)))[0]!.id;

describe("Stripe webhooks: signatures", () => {
  it("refuses a bad, a missing and a stale signature with 400 and stores nothing", async () => {
    const ev = stripe.event("customer.created", { id: "cus_x", object: "customer" });
    expect((await deliver(ev, { secret: "whsec_wrong" })).status).toBe(400);
    expect((await deliver(ev, { tamper: true })).status).toBe(400);
    expect((await deliver(ev, { noSignature: true })).status).toBe(400);
    expect((await deliver(ev, { timestamp: now() - 301 })).status).toBe(400);
    expect(
      await db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.id, ev.id as string)),
    ).toHaveLength(0);
  });

  it("stores and acknowledges an event type it does not handle", async () => {
    const ev = stripe.event("customer.tax_id.created", { id: "txi_1", object: "tax_id" });
    const res = await deliver(ev);
    expect(res.status).toBe(200);
    const [row] = await db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, ev.id as string));
    expect(row!.status).toBe("ignored");
  });
});

describe("Stripe webhooks: subscriptions", () => {
  it("creates the subscription from checkout.session.completed, once however often it is delivered", async () => {
    const sub = stripe.createSubscription({
      customer: fx.customer,
      price: fx.monthly,
      metadata: { tally_org_id: fx.org.id },
    });
    const session = stripe.createCheckoutSession({
      mode: "subscription",
      subscription: sub.id,
      customer: fx.customer,
      status: "complete",
      payment_status: "paid",
      line_items: [{ price: fx.monthly, quantity: 1 }],
    });
    const ev = stripe.event("checkout.session.completed", session);
    const first = await deliver(ev);
    expect(first).toMatchObject({ status: 200, json: { outcome: "subscription_created" } });
    const dup = await deliver(ev);
    expect(dup).toMatchObject({ status: 200, json: { duplicate: true } });
    const local = await localSub(sub.id);
    expect(local).toMatchObject({
      status: "active",
      provider: "stripe",
      orgId: fx.org.id,
      planId: await planIdFor(fx.monthly),
    });
    expect(
      await db.select().from(subscriptionHistory).where(eq(subscriptionHistory.subscriptionId, local!.id)),
    ).toHaveLength(1);
    // The org's paid subscription is now its current one; end it for the next tests.
    stripe.updateSubscription(sub.id, { status: "canceled", ended_at: now() });
    await deliver(stripe.event("customer.subscription.deleted", stripe.objects.get(sub.id)!));
    expect((await localSub(sub.id))!.status).toBe("canceled");
  });

  it("ends in the same state when each event arrives three times in shuffled order as when they arrive once in order", async () => {
    const t0 = now() - 1000; // one clock for both runs, so their periods compare equal
    const runLifecycle = async (shuffle: boolean) => {
      const org = await makeOrg();
      const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} });
      await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org.id));
      const sub = stripe.createSubscription({
        customer: customer.id,
        price: fx.monthly,
        status: "trialing",
        trialEnd: t0 + 100,
        periodStart: t0,
        periodEnd: t0 + 100,
      });
      const events: Record<string, unknown>[] = [];
      const snap = (type: string, created: number) =>
        events.push(stripe.event(type, stripe.objects.get(sub.id)!, created));
      snap("customer.subscription.created", t0);
      stripe.updateSubscription(sub.id, { status: "active", periodStart: t0 + 100, periodEnd: t0 + 100 + 30 * 86400 });
      snap("customer.subscription.updated", t0 + 100);
      const inv1 = stripe.createInvoice({
        customer: customer.id,
        subscription: sub.id,
        status: "paid",
        amount: 2900,
        priceId: fx.monthly,
      });
      events.push(stripe.event("invoice.paid", inv1, t0 + 101));
      stripe.updateSubscription(sub.id, { price: fx.pro });
      snap("customer.subscription.updated", t0 + 200);
      stripe.updateSubscription(sub.id, { status: "past_due" });
      const inv2 = stripe.createInvoice({
        customer: customer.id,
        subscription: sub.id,
        status: "open",
        amount: 9900,
        priceId: fx.pro,
      });
      events.push(stripe.event("invoice.payment_failed", inv2, t0 + 300));
      stripe.put({ ...inv2, status: "paid", amount_paid: 9900, amount_due: 0 });
      stripe.updateSubscription(sub.id, { status: "active", cancel_at_period_end: true });
      events.push(stripe.event("invoice.paid", stripe.objects.get(inv2.id)!, t0 + 400));
      snap("customer.subscription.updated", t0 + 401);
      const deliveries = shuffle ? [...events, ...events, ...events].sort(() => Math.random() - 0.5) : events;
      for (const ev of deliveries) expect((await deliver(ev)).status).toBe(200);
      const local = (await localSub(sub.id))!;
      const invs = await db.select().from(invoices).where(eq(invoices.orgId, org.id)).orderBy(asc(invoices.totalCents));
      return {
        status: local.status,
        planId: local.planId,
        cancelAtPeriodEnd: local.cancelAtPeriodEnd,
        periodStart: local.currentPeriodStart.toISOString(),
        periodEnd: local.currentPeriodEnd.toISOString(),
        invoices: invs.map((i) => [i.totalCents, i.status]),
      };
    };
    const inOrder = await runLifecycle(false);
    const shuffled = await runLifecycle(true);
    expect(inOrder).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
      planId: await planIdFor(fx.pro),
      invoices: [
        [2900, "paid"],
        [9900, "paid"],
      ],
    });
    expect(shuffled).toEqual(inOrder);
  });

  it("sends one invoice.payment_failed per Stripe event, however often an admin replays it", async () => {
    const org = await makeOrg();
    const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} });
    await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org.id));
    const inv = stripe.createInvoice({ customer: customer.id, status: "open", amount: 2900 });
    const ev = stripe.event("invoice.payment_failed", inv);
    await deliver(ev);
    const failedEvents = () =>
      db
        .select()
        .from(webhookMessages)
        .where(and(eq(webhookMessages.orgId, org.id), eq(webhookMessages.type, "invoice.payment_failed")));
    expect(await failedEvents()).toHaveLength(1);
    expect((await processStoredEvent(ev.id as string)).body).toMatchObject({ duplicate: true });
    // Even applied again (an event left marked failed after its change committed), the change is not re-announced.
    await db
      .update(webhookEvents)
      .set({ status: "failed" })
      .where(eq(webhookEvents.id, ev.id as string));
    expect((await processStoredEvent(ev.id as string)).body.outcome).toMatch(/^invoice_open/);
    const after = await failedEvents();
    expect(after).toHaveLength(1);
    expect(after[0]!.dedupeKey).toBe(`stripe:${ev.id as string}:invoice.payment_failed`);
    // A new failure (another Stripe event) is announced.
    await deliver(stripe.event("invoice.payment_failed", inv));
    expect(await failedEvents()).toHaveLength(2);
  });

  it("moves the subscription to past due on a failed payment and back on payment", async () => {
    const org = await makeOrg();
    const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} });
    await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org.id));
    const sub = stripe.createSubscription({ customer: customer.id, price: fx.monthly });
    await deliver(stripe.event("customer.subscription.created", sub));
    stripe.updateSubscription(sub.id, { status: "past_due" });
    const inv = stripe.createInvoice({ customer: customer.id, subscription: sub.id, status: "open", amount: 2900 });
    await deliver(stripe.event("invoice.payment_failed", inv));
    expect((await localSub(sub.id))!.status).toBe("past_due");
    expect((await localSub(sub.id))!.pastDueSince).toBeInstanceOf(Date);
    stripe.updateSubscription(sub.id, { status: "active" });
    stripe.put({ ...inv, status: "paid", amount_paid: 2900, amount_due: 0 });
    await deliver(stripe.event("invoice.payment_succeeded", stripe.objects.get(inv.id)!));
    const local = (await localSub(sub.id))!;
    expect(local.status).toBe("active");
    const actions = (
      await db
        .select()
        .from(subscriptionHistory)
        .where(eq(subscriptionHistory.subscriptionId, local.id))
        .orderBy(asc(subscriptionHistory.recordedAt))
    ).map((h) => h.action);
    expect(actions).toEqual(["created", "past_due", "recovered"]);
    const [mirror] = await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id));
    expect(mirror).toMatchObject({ status: "paid", totalCents: 2900, provider: "stripe" });
  });

  it("keeps Stripe's test mode as test money: its subscription, invoice and payment are recorded with livemode false", async () => {
    const org = await makeOrg();
    const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {}, livemode: false });
    await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org.id));
    const sub = stripe.put({
      ...stripe.createSubscription({ customer: customer.id, price: fx.monthly }),
      livemode: false,
    });
    await deliver(stripe.event("customer.subscription.created", sub));
    const local = (await localSub(sub.id))!;
    expect(local).toMatchObject({ status: "active", livemode: false });
    const [history] = await db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.subscriptionId, local.id));
    expect(history!.livemode).toBe(false);
    const inv = stripe.put({
      ...stripe.createInvoice({ customer: customer.id, subscription: sub.id, status: "paid", amount: 2900 }),
      livemode: false,
    });
    await deliver(stripe.event("invoice.paid", inv));
    const [mirror] = await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id));
    expect(mirror).toMatchObject({ provider: "stripe", livemode: false });
    const pi = stripe.put({ ...stripe.createPaymentIntent({ customer: customer.id, amount: 2900 }), livemode: false });
    await deliver(stripe.event("payment_intent.succeeded", pi));
    const [payment] = await db.select().from(payments).where(eq(payments.providerPaymentId, pi.id));
    expect(payment).toMatchObject({ status: "succeeded", livemode: false });
    // A live object (Stripe's own default; the stand-in's objects carry no flag) stays live.
    const liveSub = stripe.createSubscription({ customer: fx.customer, price: fx.monthly });
    await deliver(stripe.event("customer.subscription.created", liveSub));
    expect((await localSub(liveSub.id))!.livemode).toBe(true);
  });

  it("answers 5xx when processing fails, keeps the event, and an admin replay processes it", async () => {
    const sub = stripe.createSubscription({ customer: fx.customer, price: fx.monthly, status: "canceled" });
    const ev = stripe.event("customer.subscription.updated", sub);
    stripe.failNext(/GET \/v1\/subscriptions\//, 500);
    const failed = await deliver(ev);
    expect(failed.status).toBe(503);
    const [row] = await db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, ev.id as string));
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.lastError).toContain("Stripe");
    const replay = await processStoredEvent(ev.id as string);
    expect(replay.status).toBe(200);
    expect((await localSub(sub.id))!.status).toBe("canceled");
  });
});

describe("Stripe webhooks: payments, payment methods, refunds, catalog", () => {
  it("grants a paid credit pack once per payment, however often checkout.session.completed arrives", async () => {
    const { insertCreditProduct } = await import("@/lib/catalog/seed-catalog");
    const { getCreditBalance } = await import("@/lib/credits/balance");
    const pack = await insertCreditProduct({
      code: `pack-${uid()}`,
      name: "1,000 credits",
      credits: 1000,
      priceCents: 1000,
      currency: "usd",
    });
    const org = await makeOrg();
    const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} });
    await db.update(organizations).set({ stripeCustomerId: customer.id }).where(eq(organizations.id, org.id));
    const metadata = { tally_org_id: org.id, tally_credit_product_id: pack.id };
    const line_items = [
      { price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "1,000 credits" } }, quantity: 1 },
    ];
    // Completed with a delayed payment method: no money yet, so no credits yet.
    const unpaid = stripe.createCheckoutSession({
      mode: "payment",
      customer: customer.id,
      metadata,
      line_items,
      status: "complete",
    });
    expect((await deliver(stripe.event("checkout.session.completed", unpaid))).json.outcome).toBe("awaiting_payment");
    const { session } = stripe.payCheckout(
      stripe.createCheckoutSession({ mode: "payment", customer: customer.id, metadata, line_items }).id,
    );
    const ev = stripe.event("checkout.session.completed", session);
    expect((await deliver(ev)).json.outcome).toBe("credits_granted");
    await deliver(ev);
    await deliver(stripe.event("checkout.session.completed", session)); // a second event for the same payment
    expect((await getCreditBalance(org.id))!.balance).toBe(1000);
  });

  it("records a payment once, then its refund", async () => {
    const pi = stripe.createPaymentIntent({ customer: fx.customer, amount: 4500, description: "Order" });
    await deliver(stripe.event("payment_intent.succeeded", pi));
    await deliver(stripe.event("payment_intent.succeeded", pi));
    const charge = stripe.refundCharge(
      stripe.createCharge({ payment_intent: pi.id, customer: fx.customer, amount: 4500 }).id,
      4500,
    );
    await deliver(stripe.event("charge.refunded", charge));
    const rows = await db.select().from(payments).where(eq(payments.providerPaymentId, pi.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "refunded", amountRefundedCents: 4500, amountCents: 4500 });
  });

  it("records a failed payment with its reason", async () => {
    const pi = stripe.createPaymentIntent({
      customer: fx.customer,
      amount: 2900,
      status: "requires_payment_method",
      last_payment_error: { message: "Your card has insufficient funds." },
    });
    await deliver(stripe.event("payment_intent.payment_failed", pi));
    const [row] = await db.select().from(payments).where(eq(payments.providerPaymentId, pi.id));
    expect(row).toMatchObject({ status: "failed", failureMessage: "Your card has insufficient funds." });
  });

  it("mirrors payment methods attached and detached", async () => {
    const pm = stripe.put({
      id: `pm_${uid()}`,
      object: "payment_method",
      type: "card",
      customer: fx.customer,
      card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
    });
    await deliver(stripe.event("payment_method.attached", pm));
    let [row] = await db
      .select()
      .from(paymentMethods)
      .where(and(eq(paymentMethods.provider, "stripe"), eq(paymentMethods.providerMethodId, pm.id)));
    expect(row).toMatchObject({ brand: "visa", last4: "4242", orgId: fx.org.id, detachedAt: null });
    await deliver(stripe.event("payment_method.detached", stripe.put({ ...pm, customer: null })));
    [row] = await db.select().from(paymentMethods).where(eq(paymentMethods.providerMethodId, pm.id));
    expect(row!.detachedAt).toBeInstanceOf(Date);
  });

  it("mirrors a finalized invoice as open, with its lines and Stripe's links", async () => {
    const inv = stripe.createInvoice({ customer: fx.customer, status: "open", amount: 4200, priceId: fx.monthly });
    await deliver(stripe.event("invoice.finalized", inv));
    const [row] = await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id));
    expect(row).toMatchObject({
      status: "open",
      totalCents: 4200,
      amountDueCents: 4200,
      orgId: fx.org.id,
      provider: "stripe",
    });
    expect(row!.pdfUrl).toContain(inv.id);
  });

  it("renames the plans of a product when product.updated arrives", async () => {
    const product = stripe.createProduct({ name: `Before ${uid()}` });
    const price = stripe.createPrice({ product: product.id, unit_amount: 700, recurring: { interval: "month" } });
    await syncAllPlansFromStripe();
    stripe.put({ ...product, name: "After the rename" });
    await deliver(stripe.event("product.updated", stripe.objects.get(product.id)!));
    const [plan] = await db.select().from(plans).where(eq(plans.stripePriceId, price.id));
    expect(plan!.name).toBe("After the rename");
  });

  it("syncs a plan when Stripe announces a new price", async () => {
    const product = stripe.createProduct({ name: `Announced ${uid()}` });
    const price = stripe.createPrice({ product: product.id, unit_amount: 1900, recurring: { interval: "month" } });
    const res = await deliver(stripe.event("price.created", price));
    expect(res.json.outcome).toBe("plans_created");
    expect(await planIdFor(price.id)).toMatch(/^plan_/);
  });
});
