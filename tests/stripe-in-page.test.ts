// Stripe.js on the page, server side, against the Stripe-shaped test server with the real SDK:
// Embedded Checkout sessions (ui_mode, return_url, client secret) for plans and credit packs, the
// session's status read back when the buyer returns, and cards saved in-page on a SetupIntent. The
// webhooks for both (checkout.session.completed of an embedded session, setup_intent.succeeded)
// are signed with the SDK's generateTestHeaderString and verified as in production.
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { getCreditBalance } from "@/lib/credits/balance";
import { db } from "@/lib/db/client";
import {
  checkoutSessions,
  organizations,
  paymentMethods,
  plans,
  subscriptions,
  type CreditProduct,
} from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { finishCardSetup, startCardSetup } from "@/lib/payments/card-setup";
import { checkoutReturn, startCheckout } from "@/lib/payments/checkout";
import * as checkoutRoute from "@/app/api/v1/billing/checkout/route";
import { idempotencyKeys } from "@/lib/db/schema";
import { call, customerKey, makeOrg, uid } from "./support/fixtures";
import { postStripeEvent, withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_in_page";
const PUBLISHABLE = "pk_test_in_page";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_PUBLISHABLE_KEY: PUBLISHABLE });
const BASE = "https://tally.example";

async function deliver(event: Record<string, unknown>) {
  const res = await postStripeEvent(event, SECRET);
  return { status: res.status, json: (await res.json()) as { outcome?: string; duplicate?: boolean } };
}

async function buyer() {
  const org = await makeOrg(`Buyer ${uid()}`);
  await runDueJobs(new Date(Date.now() + 1000)); // the outbox creates the Stripe customer
  const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
  return { orgId: org.id, customer: row!.stripeCustomerId! };
}

const lastSessionRequest = () => stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
const cards = (orgId: string) =>
  db
    .select()
    .from(paymentMethods)
    .where(and(eq(paymentMethods.orgId, orgId), isNull(paymentMethods.detachedAt)));
const customerAtStripe = (id: string) =>
  stripe.objects.get(id) as { invoice_settings?: { default_payment_method?: string | null } };

let pack: CreditProduct;
let planId: string;
beforeAll(async () => {
  pack = await insertCreditProduct({
    code: `pack-${uid()}`,
    name: "2,500 credits",
    credits: 2500,
    priceCents: 2500,
    currency: "usd",
  });
  const product = stripe.createProduct({ name: `Team ${uid()}` });
  const price = stripe.createPrice({ product: product.id, unit_amount: 4900, recurring: { interval: "month" } });
  await syncAllPlansFromStripe();
  planId = (await db.select().from(plans).where(eq(plans.stripePriceId, price.id)))[0]!.id;
});

describe("Embedded Checkout", () => {
  it("creates an embedded session for a credit pack: ui_mode, return_url, its client secret, no hosted page", async () => {
    const { orgId, customer } = await buyer();
    const started = await startCheckout(
      orgId,
      { creditProductId: pack.id, origin: BASE, successPath: "/credits", ui: "embedded" },
      "user:test",
    );
    const sent = lastSessionRequest();
    const returnUrl = `${BASE}/credits?checkout=return&session=${started.id}`;
    expect(sent.body).toMatchObject({ mode: "payment", customer, ui_mode: "embedded_page", return_url: returnUrl });
    // The hosted page's URLs go with the hosted page only (Stripe refuses them with an embedded ui_mode).
    expect(sent.body).not.toHaveProperty("success_url");
    expect(sent.body).not.toHaveProperty("cancel_url");
    const session = stripe.objects.get(started.providerSessionId!)!;
    expect(session.url).toBeNull();
    expect(started.clientSecret).toBe(session.client_secret);
    expect(started.clientSecret).toMatch(/^cs_.+_secret_/);
    // The row keeps the page the buyer comes back to, and never the client secret.
    const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, started.id));
    expect(row!.url).toBe(returnUrl);
    expect(JSON.stringify(row)).not.toContain(started.clientSecret);
  });

  it("reads the session's status on return: open until paid, complete once Stripe has it, and credits from the webhook", async () => {
    const { orgId } = await buyer();
    const started = await startCheckout(orgId, { creditProductId: pack.id, origin: BASE, ui: "embedded" }, "user:t");
    expect(await checkoutReturn(orgId, started.id)).toEqual({ status: "open", kind: "credits" });
    const { session } = stripe.payCheckout(started.providerSessionId!);
    // The return page says complete from Stripe's session; the credits come only with the webhook.
    expect(await checkoutReturn(orgId, started.id)).toEqual({ status: "complete", kind: "credits" });
    expect((await getCreditBalance(orgId))?.balance ?? 0).toBe(0);
    const res = await deliver(stripe.event("checkout.session.completed", session));
    expect(res).toMatchObject({ status: 200, json: { outcome: "credits_granted" } });
    expect((await getCreditBalance(orgId))?.balance).toBe(2500);
    // Redelivered: acknowledged, nothing more granted.
    expect((await deliver(stripe.event("checkout.session.completed", session))).json.outcome).toBe("credits_granted");
    expect((await getCreditBalance(orgId))?.balance).toBe(2500);
  });

  it("says expired for a session Stripe expired, and another customer cannot read the status", async () => {
    const { orgId } = await buyer();
    const other = await buyer();
    const started = await startCheckout(orgId, { creditProductId: pack.id, origin: BASE, ui: "embedded" }, "user:t");
    const s = stripe.objects.get(started.providerSessionId!)!;
    stripe.put({ ...s, status: "expired" });
    expect((await checkoutReturn(orgId, started.id)).status).toBe("expired");
    await expect(checkoutReturn(other.orgId, started.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("starts a plan's subscription embedded, and its checkout.session.completed starts it in Tally", async () => {
    const { orgId, customer } = await buyer();
    const started = await startCheckout(orgId, { planId, origin: BASE, ui: "embedded" }, "user:t");
    expect(lastSessionRequest().body).toMatchObject({
      mode: "subscription",
      customer,
      ui_mode: "embedded_page",
      return_url: `${BASE}/billing?checkout=return&session=${started.id}`,
    });
    expect(started.clientSecret).toBe(stripe.objects.get(started.providerSessionId!)!.client_secret);
    const done = stripe.completeSubscriptionCheckout(started.providerSessionId!);
    const res = await deliver(stripe.event("checkout.session.completed", done.session));
    expect(res.json.outcome).toMatch(/^subscription_/);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, orgId));
    expect(sub).toMatchObject({ planId, stripeSubscriptionId: done.subscription.id, status: "active" });
    expect(await checkoutReturn(orgId, started.id)).toEqual({ status: "complete", kind: "subscription" });
  });

  it("keeps the hosted page unless asked: success and cancel URLs, no client secret", async () => {
    const { orgId } = await buyer();
    const started = await startCheckout(orgId, { creditProductId: pack.id, origin: BASE }, "user:t");
    expect(lastSessionRequest().body).toMatchObject({
      success_url: `${BASE}/billing?checkout=success&session=${started.id}`,
      cancel_url: `${BASE}/billing?checkout=canceled&session=${started.id}`,
    });
    expect(lastSessionRequest().body).not.toHaveProperty("ui_mode");
    expect(started.clientSecret).toBeNull();
    expect(started.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
  });
});

describe("POST /api/v1/billing/checkout with ui_mode embedded", () => {
  type Answer = {
    id: string;
    url: string;
    ui_mode: string;
    client_secret: string | null;
    publishable_key: string | null;
  };
  const post = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call<Answer>(checkoutRoute.POST, "POST", "/api/v1/billing/checkout", { key, body, headers });

  it("answers the session's client secret and publishable key, with the caller's return URL; a replay reads the secret from Stripe, never from Tally's store", async () => {
    const { orgId } = await buyer();
    const key = await customerKey(orgId);
    const returnUrl = "https://app.example/after-checkout?session={CHECKOUT_SESSION_ID}";
    const idem = `emb-${uid()}`;
    const body = { credit_product_id: pack.id, ui_mode: "embedded", return_url: returnUrl };
    const first = await post(key, body, { "idempotency-key": idem });
    expect(first.status).toBe(201);
    const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, first.json.id));
    const atStripe = stripe.objects.get(row!.providerSessionId!)!;
    expect(lastSessionRequest().body).toMatchObject({ ui_mode: "embedded_page", return_url: returnUrl });
    expect(first.json).toMatchObject({
      ui_mode: "embedded",
      client_secret: atStripe.client_secret,
      publishable_key: PUBLISHABLE,
      url: returnUrl,
    });
    // The stored answer the key replays holds no secret…
    const [stored] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, idem));
    expect(JSON.stringify(stored!.response)).not.toContain(String(atStripe.client_secret));
    expect((stored!.response as Answer).client_secret).toBeNull();
    // …the replay answers the same session, its secret read from Stripe again, and makes no new session.
    const sessions = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").length;
    const again = await post(key, body, { "idempotency-key": idem });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toMatchObject({ id: first.json.id, client_secret: atStripe.client_secret });
    expect(stripe.requests.filter((r) => r.path === "/v1/checkout/sessions")).toHaveLength(sessions);
    // Once the session is paid there is nothing left to mount: the replay answers no secret.
    stripe.payCheckout(row!.providerSessionId!);
    expect((await post(key, body, { "idempotency-key": idem })).json).toMatchObject({
      id: first.json.id,
      client_secret: null,
    });
  });

  it("keeps the hosted answer by default, and refuses return_url without ui_mode embedded, naming the field", async () => {
    const { orgId } = await buyer();
    const key = await customerKey(orgId);
    const hosted = await post(key, { credit_product_id: pack.id });
    expect(hosted.json).toMatchObject({ ui_mode: "hosted", client_secret: null, publishable_key: null });
    expect(hosted.json.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const bad = await post(key, { credit_product_id: pack.id, return_url: "https://app.example/back" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("return_url");
    const notHttp = await post(key, {
      credit_product_id: pack.id,
      ui_mode: "embedded",
      return_url: "javascript:alert(1)",
    });
    expect(notHttp.status).toBe(400);
    expect(JSON.stringify(notHttp.json)).toContain("return_url");
  });
});

describe("a card saved in-page on a SetupIntent", () => {
  it("creates a SetupIntent for the customer's Stripe customer, kept for charges made while they are away", async () => {
    const { orgId, customer } = await buyer();
    const setup = await startCardSetup(orgId);
    expect(setup.publishableKey).toBe(PUBLISHABLE);
    const sent = stripe.requests.filter((r) => r.method === "POST" && r.path === "/v1/setup_intents").at(-1)!;
    expect(sent.body).toMatchObject({
      customer,
      usage: "off_session",
      automatic_payment_methods: { enabled: "true" },
      metadata: { tally_org_id: orgId },
    });
    expect(stripe.byClientSecret(setup.clientSecret)).toMatchObject({ object: "setup_intent", customer });
  });

  it("after the browser confirms it: the new card is the default in Tally and, through the outbox, at Stripe", async () => {
    const { orgId, customer } = await buyer();
    // A card on file already, the default.
    const old = stripe.createCardPaymentMethod(customer, { last4: "1111" });
    await deliver(stripe.event("payment_method.attached", old));
    await db.update(paymentMethods).set({ isDefault: true }).where(eq(paymentMethods.orgId, orgId));

    const setup = await startCardSetup(orgId);
    const si = stripe.byClientSecret(setup.clientSecret)!;
    // Not confirmed yet: the page's word is not enough.
    await expect(finishCardSetup(orgId, si.id)).rejects.toMatchObject({ code: "conflict" });
    const { paymentMethod } = stripe.confirmSetupIntent(si.id, { brand: "mastercard", last4: "4444" });
    const saved = await finishCardSetup(orgId, si.id);
    expect(saved).toMatchObject({ providerMethodId: paymentMethod.id, last4: "4444", brand: "mastercard" });
    const rows = await cards(orgId);
    expect(rows.filter((r) => r.isDefault).map((r) => r.last4)).toEqual(["4444"]);
    expect(rows.map((r) => r.last4).sort()).toEqual(["1111", "4444"]);
    expect(customerAtStripe(customer).invoice_settings?.default_payment_method).toBeNull();
    await runDueJobs(new Date(Date.now() + 1000));
    expect(customerAtStripe(customer).invoice_settings?.default_payment_method).toBe(paymentMethod.id);

    // Its setup_intent.succeeded arriving afterwards changes nothing more.
    const res = await deliver(stripe.event("setup_intent.succeeded", stripe.objects.get(si.id)!));
    expect(res.json.outcome).toBe("payment_method_default");
    expect((await cards(orgId)).filter((r) => r.isDefault).map((r) => r.last4)).toEqual(["4444"]);
  });

  it("refuses another customer's SetupIntent as not found", async () => {
    const a = await buyer();
    const b = await buyer();
    const setup = await startCardSetup(a.orgId);
    const si = stripe.byClientSecret(setup.clientSecret)!;
    stripe.confirmSetupIntent(si.id);
    await expect(finishCardSetup(b.orgId, si.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await cards(b.orgId)).toEqual([]);
  });

  it("setup_intent.succeeded alone makes the card the default (the page closed before it said so)", async () => {
    const { orgId, customer } = await buyer();
    const setup = await startCardSetup(orgId);
    const si = stripe.byClientSecret(setup.clientSecret)!;
    const { setupIntent, paymentMethod } = stripe.confirmSetupIntent(si.id, { last4: "0005" });
    const event = stripe.event("setup_intent.succeeded", setupIntent);
    expect((await deliver(event)).json).toMatchObject({ outcome: "payment_method_default" });
    expect((await cards(orgId)).map((r) => [r.last4, r.isDefault])).toEqual([["0005", true]]);
    await runDueJobs(new Date(Date.now() + 1000));
    expect(customerAtStripe(customer).invoice_settings?.default_payment_method).toBe(paymentMethod.id);
    expect((await deliver(event)).json.duplicate).toBe(true);
  });

  it("acts on Stripe's SetupIntent, not the event body: an unconfirmed one or one Stripe does not have changes nothing", async () => {
    const { orgId } = await buyer();
    const setup = await startCardSetup(orgId);
    const si = stripe.byClientSecret(setup.clientSecret)!;
    // The body claims success; Stripe's copy still requires a payment method.
    const forged = { ...si, status: "succeeded", payment_method: stripe.createCardPaymentMethod(null).id };
    expect((await deliver(stripe.event("setup_intent.succeeded", forged))).json.outcome).toBe("refused_not_succeeded");
    expect(
      (await deliver(stripe.event("setup_intent.succeeded", { ...forged, id: `seti_${uid()}` }))).json.outcome,
    ).toBe("refused_not_at_stripe");
    expect(await cards(orgId)).toEqual([]);
  });
});
