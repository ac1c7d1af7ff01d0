// Tax on the Stripe rail: Tally's rates become Stripe TaxRates (once) on Checkout Sessions and usage
// invoices, or Stripe Tax computes it (automatic_tax) — as the Stripe-shaped test server records it.
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as taxRatesRoute from "@/app/api/v1/tax-rates/route";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db/client";
import { organizations, plans, taxRates } from "@/lib/db/schema";
import { updateBillingDetails } from "@/lib/invoices/billing-details";
import { updateSellerSettings } from "@/lib/invoices/seller-settings";
import { runDueJobs } from "@/lib/jobs/outbox";
import { createUsageInvoice } from "@/lib/stripe/invoice-items";
import { stripeTaxFor } from "@/lib/tax/stripe-tax";
import { call, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";

const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: "whsec_tax_stripe" });

let priceId: string;
beforeAll(async () => {
  const product = stripe.createProduct({ name: `Pro ${uid()}` });
  priceId = stripe.createPrice({ product: product.id, unit_amount: 9900, recurring: { interval: "month" } }).id;
  await syncAllPlansFromStripe();
});

afterEach(async () => {
  await updateSellerSettings({ tax_mode: "none" });
  await db.update(taxRates).set({ active: false });
});

async function customer(country: string, taxIds: { type: "eu_vat"; value: string }[] = []) {
  const org = await makeOrg();
  await runDueJobs(new Date(Date.now() + 1000)); // the outbox creates the Stripe customer
  await updateBillingDetails(org.id, { country, tax_ids: taxIds });
  const owner = await makeUser("owner", org.id);
  const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
  return { org: row!, cookie: await sessionCookie(owner.id) };
}

const lastSession = () => stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;

async function planCheckout(cookie: string) {
  const [plan] = await db.select().from(plans).where(eq(plans.stripePriceId, priceId));
  const res = await call(checkout.POST, "POST", "/api/v1/billing/checkout", { cookie, body: { plan_id: plan!.id } });
  expect(res.status).toBe(201);
  return lastSession();
}

async function packCheckout(cookie: string) {
  const pack = await insertCreditProduct({
    code: `pack-${uid()}`,
    name: "1,000 credits",
    credits: 1000,
    priceCents: 1000,
    currency: "eur",
  });
  const res = await call(checkout.POST, "POST", "/api/v1/billing/checkout", {
    cookie,
    body: { credit_product_id: pack.id },
  });
  expect(res.status).toBe(201);
  return lastSession();
}

describe("tax on Stripe", () => {
  it("tally_rates: makes the buyer's rate a Stripe TaxRate once and puts it on subscriptions and packs", async () => {
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    const made = await call<{ id: string }>(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", {
      key: await platformKey(),
      body: { country: "FR", name: "TVA", percentage: "20" },
    });
    const { cookie } = await customer("FR");

    const sub = await planCheckout(cookie);
    const [stripeRate] = stripe.list("tax_rate");
    expect(stripeRate).toMatchObject({
      display_name: "TVA",
      percentage: 20,
      inclusive: false,
      country: "FR",
      metadata: { tally_tax_rate_id: made.json.id },
    });
    expect(sub.body).toMatchObject({ subscription_data: { default_tax_rates: [stripeRate!.id] } });
    expect(sub.body).not.toHaveProperty("automatic_tax");
    expect(stripe.idempotencyKeysSeen("/v1/tax_rates")).toEqual(new Set([`tally-tax-rate-${made.json.id}`]));

    const pack = await packCheckout(cookie);
    expect(pack.body).toMatchObject({ line_items: [{ tax_rates: [stripeRate!.id] }] });
    // The session Stripe made charges the tax on top: 1000 + 20 %.
    const session = stripe.list("checkout.session").at(-1)!;
    expect(session).toMatchObject({ amount_subtotal: 1000, amount_total: 1200, total_details: { amount_tax: 200 } });

    // One Stripe TaxRate however often it is used; its id kept on Tally's rate.
    expect(stripe.list("tax_rate")).toHaveLength(1);
    const [row] = await db.select().from(taxRates).where(eq(taxRates.id, made.json.id));
    expect(row!.stripeTaxRateId).toBe(stripeRate!.id);

    // A separate usage invoice carries it as the invoice's default.
    const { org } = await customer("FR");
    await createUsageInvoice({
      customerId: org.stripeCustomerId!,
      currency: "eur",
      description: "Usage",
      metadata: {},
      idempotencyKey: `usage-${uid()}`,
      tax: await stripeTaxFor(org.id),
    });
    const inv = stripe.requests.filter((r) => r.method === "POST" && r.path === "/v1/invoices").at(-1)!;
    expect(inv.body).toMatchObject({ default_tax_rates: [stripeRate!.id] });
  });

  it("tally_rates: a reverse-charged EU business and a buyer without a rate get no Stripe tax rate", async () => {
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await call(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", {
      key: await platformKey(),
      body: { country: "IT", name: "IVA", percentage: "22" },
    });
    const before = stripe.list("tax_rate").length;
    const business = await customer("IT", [{ type: "eu_vat", value: "IT12345678901" }]);
    const sub = await planCheckout(business.cookie);
    expect(JSON.stringify(sub.body)).not.toContain("tax_rates");
    const elsewhere = await customer("JP");
    const pack = await packCheckout(elsewhere.cookie);
    expect(JSON.stringify(pack.body)).not.toContain("tax_rates");
    expect(stripe.list("tax_rate")).toHaveLength(before);
  });

  it("stripe_tax: turns on automatic_tax (saving the address Checkout collects) and makes no tax rates", async () => {
    await updateSellerSettings({ tax_mode: "stripe_tax", country: "DE" });
    const before = stripe.list("tax_rate").length;
    const { cookie, org } = await customer("FR");
    for (const sent of [await planCheckout(cookie), await packCheckout(cookie)]) {
      expect(sent.body).toMatchObject({ automatic_tax: { enabled: "true" }, customer_update: { address: "auto" } });
      expect(JSON.stringify(sent.body)).not.toContain("tax_rates");
    }
    expect(await stripeTaxFor(org.id)).toEqual({ automatic: true, taxRateIds: [] });
    expect(stripe.list("tax_rate")).toHaveLength(before);
  });

  it("none: neither automatic tax nor tax rates", async () => {
    const { cookie } = await customer("FR");
    const sent = await planCheckout(cookie);
    expect(sent.body).not.toHaveProperty("automatic_tax");
    expect(JSON.stringify(sent.body)).not.toContain("tax_rates");
  });
});
