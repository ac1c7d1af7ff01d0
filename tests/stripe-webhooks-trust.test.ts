// A signed event is only a notice that something changed at Stripe: with an API key, Tally re-reads
// the object and acts on Stripe's copy, grants what its own catalog says a pack holds, and refuses
// what does not match. Each exploit from the hardening issue (a holder of the webhook secret
// granting 20,000 credits for "amount_total: 1", a Stripe refund taking back a sandbox purchase, a
// signature dated ahead, an envelope without `created`) is a test here.
import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import * as webhook from "@/app/api/webhooks/stripe/route";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { getCreditBalance } from "@/lib/credits/balance";
import { db } from "@/lib/db/client";
import {
  checkoutSessions,
  invoices,
  organizations,
  paymentMethods,
  payments,
  subscriptions,
  webhookEvents,
  type CreditProduct,
} from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { startCheckout } from "@/lib/payments/checkout";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { processStoredEvent } from "@/lib/webhooks/receive";
import { makeOrg, uid } from "./support/fixtures";
import { now } from "./support/stripe-server";
import { withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_test_trust";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });
const sdk = new Stripe("sk_test_signing_only");

async function post(payload: string, timestamp?: number) {
  const headers = {
    "content-type": "application/json",
    "stripe-signature": sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp }),
  };
  const res = await webhook.POST(
    new Request("http://tally.test/api/webhooks/stripe", { method: "POST", headers, body: payload }),
  );
  return {
    status: res.status,
    json: (await res.json()) as { outcome?: string; duplicate?: boolean; error?: { code: string; message: string } },
  };
}
const deliver = (event: Record<string, unknown>, timestamp?: number) => post(JSON.stringify(event), timestamp);
const stored = async (id: unknown) =>
  (
    await db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, String(id)))
  )[0];
const balanceOf = async (orgId: string) => (await getCreditBalance(orgId))?.balance ?? 0;

let bigPack: CreditProduct; // 20,000 credits for $200.00
let smallPack: CreditProduct; // 1,000 credits for $10.00

async function stripeCustomerOrg(name = `Buyer ${uid()}`) {
  const org = await makeOrg(name);
  const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: { tally_org_id: org.id } }).id;
  await db.update(organizations).set({ stripeCustomerId: customer }).where(eq(organizations.id, org.id));
  return { orgId: org.id, customer };
}

/** A payment-mode session for a pack, as Tally creates it: the pack in the metadata, one line at `unitAmount`. */
function packSession(customer: string, orgId: string, pack: CreditProduct, unitAmount = pack.priceCents) {
  const metadata = { tally_org_id: orgId, tally_credit_product_id: pack.id };
  return stripe.createCheckoutSession({
    mode: "payment",
    customer,
    metadata,
    payment_intent_data: { metadata },
    line_items: [
      { price_data: { currency: "usd", unit_amount: unitAmount, product_data: { name: pack.name } }, quantity: 1 },
    ],
  });
}

beforeAll(async () => {
  bigPack = await insertCreditProduct({
    code: `big-${uid()}`,
    name: "20,000 credits",
    credits: 20_000,
    priceCents: 20_000,
    currency: "usd",
  });
  smallPack = await insertCreditProduct({
    code: `small-${uid()}`,
    name: "1,000 credits",
    credits: 1000,
    priceCents: 1000,
    currency: "usd",
  });
});

describe("a credit pack bought through Stripe Checkout", () => {
  it("grants the pack once Tally's own checkout is paid at Stripe", async () => {
    const { orgId } = await stripeCustomerOrg();
    const started = await startCheckout(orgId, { creditProductId: smallPack.id }, "test");
    const { session, paymentIntent } = stripe.payCheckout(started.providerSessionId!);
    const res = await deliver(stripe.event("checkout.session.completed", session));
    expect(res).toMatchObject({ status: 200, json: { outcome: "credits_granted" } });
    expect(await balanceOf(orgId)).toBe(1000);
    const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, started.id));
    expect(row!.status).toBe("complete");
    // The same money announced again by payment_intent.succeeded grants nothing more.
    expect((await deliver(stripe.event("payment_intent.succeeded", paymentIntent))).json.outcome).toBe(
      "credits_granted",
    );
    expect(await balanceOf(orgId)).toBe(1000);
  });

  it("grants nothing for a session Stripe does not have (a forged amount_total: 1 for 20,000 credits)", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const forged = {
      id: `cs_${uid()}`,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      customer,
      payment_status: "paid",
      payment_intent: `pi_${uid()}`,
      amount_total: 1,
      currency: "usd",
      metadata: { tally_org_id: orgId, tally_credit_product_id: bigPack.id },
    };
    const ev = stripe.event("checkout.session.completed", forged);
    const res = await deliver(ev);
    expect(res).toMatchObject({ status: 200, json: { outcome: "refused_not_at_stripe" } });
    expect(await balanceOf(orgId)).toBe(0);
    expect(await db.select().from(payments).where(eq(payments.orgId, orgId))).toHaveLength(0);
    expect(await stored(ev.id)).toMatchObject({
      status: "ignored",
      lastError: expect.stringContaining(`Stripe has no checkout session ${forged.id}`),
    });
  });

  it("acts on Stripe's session, not the event's copy: the pack Stripe's metadata names, at the amount Stripe took", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session } = stripe.payCheckout(packSession(customer, orgId, smallPack).id);
    // The body claims the big pack for a cent; Stripe's session sold the small one at its price.
    const body = {
      ...session,
      amount_total: 1,
      metadata: { tally_org_id: orgId, tally_credit_product_id: bigPack.id },
    };
    expect((await deliver(stripe.event("checkout.session.completed", body))).json.outcome).toBe("credits_granted");
    expect(await balanceOf(orgId)).toBe(1000);
    const [payment] = await db.select().from(payments).where(eq(payments.orgId, orgId));
    expect(payment).toMatchObject({
      amountCents: 1000,
      creditProductId: smallPack.id,
      kind: "credits",
      provider: "stripe",
    });
  });

  it("refuses, and logs, a paid session whose amount is not the pack's price", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session } = stripe.payCheckout(packSession(customer, orgId, bigPack, 1).id);
    const ev = stripe.event("checkout.session.completed", session);
    expect((await deliver(ev)).json.outcome).toBe("refused_amount_mismatch");
    expect(await balanceOf(orgId)).toBe(0);
    expect(await db.select().from(payments).where(eq(payments.orgId, orgId))).toHaveLength(0);
    expect((await stored(ev.id))!.lastError).toMatch(/paid 1 .*costs 20000.*no credits granted/);
  });

  it("refuses a session whose line items are not one pack, even at the pack's total", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const metadata = { tally_org_id: orgId, tally_credit_product_id: bigPack.id };
    const twenty = stripe.createCheckoutSession({
      mode: "payment",
      customer,
      metadata,
      line_items: [{ price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "x" } }, quantity: 20 }],
    });
    const { session } = stripe.payCheckout(twenty.id);
    expect((await deliver(stripe.event("checkout.session.completed", session))).json.outcome).toBe(
      "refused_line_items_mismatch",
    );
    expect(await balanceOf(orgId)).toBe(0);
  });

  it("grants nothing while Stripe's session is unpaid or still open, whatever the event says", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const open = packSession(customer, orgId, smallPack);
    const res = await deliver(
      stripe.event("checkout.session.completed", {
        ...open,
        status: "complete",
        payment_status: "paid",
        amount_total: smallPack.priceCents,
      }),
    );
    expect(res.json.outcome).toBe("refused_not_complete");
    stripe.put({ ...open, status: "complete" }); // completed with a delayed method: no money yet
    expect(
      (await deliver(stripe.event("checkout.session.completed", { ...open, payment_status: "paid" }))).json.outcome,
    ).toBe("awaiting_payment");
    expect(await balanceOf(orgId)).toBe(0);
  });

  it("answers 5xx and grants nothing while Stripe cannot be read, then grants on Stripe's retry", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session } = stripe.payCheckout(packSession(customer, orgId, smallPack).id);
    const ev = stripe.event("checkout.session.completed", session);
    stripe.failNext(/GET \/v1\/checkout\/sessions\//, 503);
    const failed = await deliver(ev);
    expect(failed.status).toBe(503);
    expect(await balanceOf(orgId)).toBe(0);
    expect(await stored(ev.id)).toMatchObject({ status: "failed" });
    expect((await deliver(ev)).json.outcome).toBe("credits_granted");
    expect(await balanceOf(orgId)).toBe(1000);
  });
});

describe("payment intents", () => {
  it("grants nothing for a payment intent Stripe does not have", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const forged = {
      id: `pi_${uid()}`,
      object: "payment_intent",
      status: "succeeded",
      customer,
      amount: 1,
      amount_received: 1,
      currency: "usd",
      created: now(),
      metadata: { tally_credit_product_id: bigPack.id, tally_org_id: orgId },
    };
    expect((await deliver(stripe.event("payment_intent.succeeded", forged))).json.outcome).toBe(
      "refused_not_at_stripe",
    );
    expect(await balanceOf(orgId)).toBe(0);
  });

  it("refuses a succeeded payment for a pack at the wrong amount, and records Stripe's status, not the event's", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const cheap = stripe.createPaymentIntent({
      customer,
      amount: 1,
      metadata: { tally_credit_product_id: bigPack.id },
    });
    expect((await deliver(stripe.event("payment_intent.succeeded", cheap))).json.outcome).toBe(
      "refused_amount_mismatch",
    );
    expect(await balanceOf(orgId)).toBe(0);
    // Announced as succeeded, still processing at Stripe: pending, and no credits.
    const processing = stripe.createPaymentIntent({
      customer,
      amount: smallPack.priceCents,
      status: "processing",
      metadata: { tally_credit_product_id: smallPack.id },
    });
    expect(
      (
        await deliver(
          stripe.event("payment_intent.succeeded", {
            ...processing,
            status: "succeeded",
            amount_received: smallPack.priceCents,
          }),
        )
      ).json.outcome,
    ).toBe("payment_pending");
    expect(await balanceOf(orgId)).toBe(0);
    const [row] = await db.select().from(payments).where(eq(payments.providerPaymentId, processing.id));
    expect(row!.status).toBe("pending");
  });

  it("converges on Stripe's state when payment_failed arrives after the payment succeeded", async () => {
    const { customer } = await stripeCustomerOrg();
    const pi = stripe.createPaymentIntent({ customer, amount: 2900 });
    await deliver(stripe.event("payment_intent.succeeded", pi));
    await deliver(
      stripe.event("payment_intent.payment_failed", {
        ...pi,
        status: "requires_payment_method",
        last_payment_error: { message: "declined" },
      }),
    );
    const [row] = await db.select().from(payments).where(eq(payments.providerPaymentId, pi.id));
    expect(row).toMatchObject({ status: "succeeded", failureMessage: null });
  });
});

describe("refunds", () => {
  it("never touch a sandbox payment: a Stripe charge.refunded naming its id takes nothing back", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const [cs] = await db
      .insert(checkoutSessions)
      .values({
        id: newId("cs"),
        orgId,
        provider: "local",
        kind: "credits",
        creditProductId: smallPack.id,
        url: "/sandbox",
        amountCents: smallPack.priceCents,
        currency: "usd",
        createdBy: "test",
        expiresAt: new Date(Date.now() + 3600_000),
      })
      .returning();
    // Paid while this installation ran the sandbox, before it was given a Stripe key.
    const paid = await withoutStripeKey({ PAYMENTS: "sandbox" }, () =>
      payLocalCheckout(orgId, cs!.id, { cardNumber: "4242 4242 4242 4242" }, "test"),
    );
    expect(paid).toMatchObject({ ok: true });
    const [sandbox] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.orgId, orgId), eq(payments.provider, "local")));
    expect(await balanceOf(orgId)).toBe(1000);
    // A charge at Stripe that claims the sandbox payment's id, refunded in full.
    const charge = stripe.refundCharge(
      stripe.createCharge({ payment_intent: sandbox!.providerPaymentId, customer, amount: smallPack.priceCents }).id,
      smallPack.priceCents,
    );
    expect((await deliver(stripe.event("charge.refunded", charge))).status).toBe(200);
    expect(await balanceOf(orgId)).toBe(1000);
    const [after] = await db.select().from(payments).where(eq(payments.id, sandbox!.id));
    expect(after).toMatchObject({ status: "succeeded", amountRefundedCents: 0 });
  });

  it("still take their share when the refund arrives before the purchase it refunds", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session, charge } = stripe.payCheckout(packSession(customer, orgId, smallPack).id);
    // checkout.session.completed failed its first delivery; the half refund's event comes first.
    expect((await deliver(stripe.event("charge.refunded", stripe.refundCharge(charge.id, 500)))).json.outcome).toBe(
      "refund_recorded",
    );
    expect((await deliver(stripe.event("checkout.session.completed", session))).json.outcome).toBe("credits_granted");
    expect(await balanceOf(orgId)).toBe(500);
    const [row] = await db
      .select()
      .from(payments)
      .where(eq(payments.providerPaymentId, session.payment_intent as string));
    expect(row).toMatchObject({
      kind: "credits",
      creditProductId: smallPack.id,
      status: "partially_refunded",
      amountRefundedCents: 500,
    });
    // The rest of the refund, in order this time: the rest of the pack.
    await deliver(stripe.event("charge.refunded", stripe.refundCharge(charge.id, 500)));
    expect(await balanceOf(orgId)).toBe(0);
  });

  it("take nothing while Stripe cannot be read, and their share once it answers", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session, charge } = stripe.payCheckout(packSession(customer, orgId, smallPack).id);
    await deliver(stripe.event("checkout.session.completed", session));
    const ev = stripe.event("charge.refunded", stripe.refundCharge(charge.id, 1000));
    stripe.failNext(/GET \/v1\/charges\//, 502);
    expect((await deliver(ev)).status).toBe(503);
    expect(await balanceOf(orgId)).toBe(1000);
    expect((await deliver(ev)).json.outcome).toBe("refund_recorded_credits_taken_back");
    expect(await balanceOf(orgId)).toBe(0);
  });

  it("take nothing for a charge Stripe does not have, or one Stripe has not refunded", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session, charge } = stripe.payCheckout(packSession(customer, orgId, smallPack).id);
    await deliver(stripe.event("checkout.session.completed", session));
    expect(await balanceOf(orgId)).toBe(1000);
    const forged = { ...charge, id: `ch_${uid()}`, amount_refunded: charge.amount, refunded: true };
    expect((await deliver(stripe.event("charge.refunded", forged))).json.outcome).toBe("refused_not_at_stripe");
    expect(
      (await deliver(stripe.event("charge.refunded", { ...charge, amount_refunded: charge.amount, refunded: true })))
        .json.outcome,
    ).toBe("refused_not_refunded");
    expect(await balanceOf(orgId)).toBe(1000);
    const [row] = await db
      .select()
      .from(payments)
      .where(eq(payments.providerPaymentId, session.payment_intent as string));
    expect(row).toMatchObject({ status: "succeeded", amountRefundedCents: 0 });
  });
});

describe("payment methods and subscriptions", () => {
  it("mirror only what Stripe has, attached or detached as Stripe says now", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const ghost = {
      id: `pm_${uid()}`,
      object: "payment_method",
      type: "card",
      customer,
      card: { brand: "visa", last4: "0000", exp_month: 1, exp_year: 2031 },
    };
    expect((await deliver(stripe.event("payment_method.attached", ghost))).json.outcome).toBe("refused_not_at_stripe");
    expect(await db.select().from(paymentMethods).where(eq(paymentMethods.orgId, orgId))).toHaveLength(0);
    const pm = stripe.put({
      ...ghost,
      id: `pm_${uid()}`,
      card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
    });
    await deliver(stripe.event("payment_method.attached", pm));
    // A detached event for a card still attached at Stripe changes nothing.
    expect((await deliver(stripe.event("payment_method.detached", { ...pm, customer: null }))).json.outcome).toBe(
      "payment_method_attached",
    );
    const detached = stripe.put({ ...pm, customer: null });
    await deliver(stripe.event("payment_method.detached", detached));
    // The late attached event (out of order) does not bring it back.
    expect((await deliver(stripe.event("payment_method.attached", pm))).json.outcome).toBe("payment_method_detached");
    const [row] = await db.select().from(paymentMethods).where(eq(paymentMethods.providerMethodId, pm.id));
    expect(row).toMatchObject({ orgId, last4: "4242" });
    expect(row!.detachedAt).toBeInstanceOf(Date);
  });

  it("create no subscription from an event whose subscription Stripe does not have", async () => {
    const { customer } = await stripeCustomerOrg();
    const price = stripe.createPrice({
      product: stripe.createProduct({ name: `Ghost ${uid()}` }).id,
      unit_amount: 99_900,
      recurring: { interval: "month" },
    });
    const ghost = stripe.createSubscription({ customer, price: price.id });
    stripe.objects.delete(ghost.id);
    expect((await deliver(stripe.event("customer.subscription.created", ghost))).json.outcome).toBe(
      "refused_not_at_stripe",
    );
    expect(await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, ghost.id))).toHaveLength(
      0,
    );
  });
});

describe("without a Stripe API key", () => {
  it("refuses events that would move money, since nothing can vouch for their bodies", async () => {
    const { orgId, customer } = await stripeCustomerOrg();
    const { session } = stripe.payCheckout(packSession(customer, orgId, smallPack).id);
    const ev = stripe.event("checkout.session.completed", session);
    expect((await withoutStripeKey({}, () => deliver(ev))).json.outcome).toBe("refused_unverifiable");
    expect(await balanceOf(orgId)).toBe(0);
    // With the key back, an admin's replay re-reads the session and grants it.
    expect((await processStoredEvent(ev.id as string)).body.outcome).toBe("credits_granted");
    expect(await balanceOf(orgId)).toBe(1000);
  });

  it("refuses subscription and invoice events too: nothing changes, each is logged as ignored with the reason, and a replay with the key applies it", async () => {
    const { customer } = await stripeCustomerOrg();
    const price = stripe.createPrice({
      product: stripe.createProduct({ name: `Keyless ${uid()}` }).id,
      unit_amount: 4900,
      recurring: { interval: "month" },
    });
    await syncAllPlansFromStripe();
    const sub = stripe.createSubscription({ customer, price: price.id });
    const inv = stripe.createInvoice({
      customer,
      subscription: sub.id,
      status: "paid",
      amount: 4900,
      priceId: price.id,
    });
    const subEvent = stripe.event("customer.subscription.created", sub);
    const invoiceEvent = stripe.event("invoice.paid", inv);
    for (const ev of [subEvent, invoiceEvent]) {
      // 200, as for the money-moving events: a refusal Stripe would retry for days changes nothing on a retry.
      expect(await withoutStripeKey({}, () => deliver(ev))).toMatchObject({
        status: 200,
        json: { outcome: "refused_unverifiable" },
      });
      expect(await stored(ev.id)).toMatchObject({
        status: "ignored",
        lastError: expect.stringMatching(/STRIPE_SECRET_KEY is unset.*cannot be re-read/),
      });
    }
    expect(await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, sub.id))).toHaveLength(0);
    expect(await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id))).toHaveLength(0);
    expect((await processStoredEvent(subEvent.id as string)).body.outcome).toBe("subscription_created");
    expect((await processStoredEvent(invoiceEvent.id as string)).body.outcome).toMatch(/^invoice_paid/);
    expect(await db.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id))).toHaveLength(1);
  });
});

describe("the signed envelope", () => {
  it("refuses a signature dated beyond the tolerance in the future, and takes one within it", async () => {
    const ev = stripe.event("customer.created", { id: `cus_${uid()}`, object: "customer" });
    const ahead = await deliver(ev, now() + 301);
    expect(ahead.status).toBe(400);
    expect(ahead.json.error!.message).toMatch(/in the future/);
    expect(await stored(ev.id)).toBeUndefined();
    expect((await deliver(ev, now() + 60)).status).toBe(200);
    const stale = await deliver(
      stripe.event("customer.created", { id: `cus_${uid()}`, object: "customer" }),
      now() - 301,
    );
    expect(stale.status).toBe(400);
    expect(stale.json.error!.message).toMatch(/old/);
  });

  it.each([
    ["no created", (e: Record<string, unknown>) => ({ ...e, created: undefined }), /created/],
    ["created as text", (e: Record<string, unknown>) => ({ ...e, created: "yesterday" }), /created/],
    ["no id", (e: Record<string, unknown>) => ({ ...e, id: undefined }), /id/],
    ["no type", (e: Record<string, unknown>) => ({ ...e, type: undefined }), /type/],
    ["no data.object", (e: Record<string, unknown>) => ({ ...e, data: {} }), /data\.object/],
    [
      "a handled type whose object has no id",
      (e: Record<string, unknown>) => ({ ...e, data: { object: { object: "checkout.session" } } }),
      /data\.object\.id/,
    ],
  ])("answers 400 naming the field for an event with %s, and stores nothing", async (_name, mangle, field) => {
    const ev = stripe.event("checkout.session.completed", { id: `cs_${uid()}`, object: "checkout.session" });
    const res = await deliver(mangle(ev));
    expect(res.status).toBe(400);
    expect(res.json.error!.message).toMatch(field);
    expect(await stored(ev.id)).toBeUndefined();
  });

  it("answers 400 for a signed body that is not JSON", async () => {
    const res = await post("not json");
    expect(res.status).toBe(400);
    expect(res.json.error!.message).toMatch(/JSON/);
  });
});

/** Runs `fn` as an installation without a Stripe key (and with `extra` set), then restores the key. */
async function withoutStripeKey<T>(extra: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const key = process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_SECRET_KEY;
  Object.assign(process.env, extra);
  resetEnvCache();
  try {
    return await fn();
  } finally {
    process.env.STRIPE_SECRET_KEY = key;
    for (const k of Object.keys(extra)) delete process.env[k];
    resetEnvCache();
  }
}
