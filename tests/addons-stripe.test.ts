// Add-ons on Stripe-billed subscriptions, against the Stripe-shaped test server with the real SDK: a
// recurring add-on is an extra subscription item with its own price (created once), re-quantified or
// deleted with proration invoiced at once as plan upgrades are; a one-time add-on is a pending
// invoice item; Tally bills neither itself; and the add-ons converge on Stripe's items from webhooks.
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as addonsRoute from "@/app/api/v1/addons/route";
import * as billingAddons from "@/app/api/v1/billing/addons/route";
import * as changePlan from "@/app/api/v1/billing/subscription/change-plan/route";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { db } from "@/lib/db/client";
import {
  addonCharges,
  addons,
  creditGrants,
  organizations,
  plans,
  subscriptionAddons,
  subscriptions,
} from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { call, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { deliverStripeEvent, withStripeServer } from "./support/stripe-env";
import type { Obj } from "./support/stripe-server";

type Json = Record<string, unknown>;
const SECRET = "whsec_addons_stripe";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });

let prices: { basic: string; pro: string };
beforeAll(async () => {
  const a = stripe.createProduct({ name: `Basic ${uid()}` });
  const b = stripe.createProduct({ name: `Pro ${uid()}` });
  prices = {
    basic: stripe.createPrice({ product: a.id, unit_amount: 3000, recurring: { interval: "month" } }).id,
    pro: stripe.createPrice({ product: b.id, unit_amount: 9000, recurring: { interval: "month" } }).id,
  };
  await syncAllPlansFromStripe();
});

const deliver = (event: Record<string, unknown>) => deliverStripeEvent(event, SECRET);

async function makeAddon(body: Json) {
  const res = await call<Json>(addonsRoute.POST, "POST", "/api/v1/addons", {
    key: await platformKey(),
    body: { code: `addon-${uid()}`, name: "Extra seat", kind: "recurring", interval: "month", price: "10", ...body },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; code: string };
}

/** An owner whose Stripe subscription (basic, 30 days, half gone unless said) Tally knows from its webhook. */
async function stripeCustomer(opts: { status?: string; elapsedDays?: number } = {}) {
  const org = await makeOrg();
  await runDueJobs(new Date(Date.now() + 1000)); // the outbox creates the Stripe customer
  const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
  const owner = await makeUser("owner", org.id);
  const start = Math.floor(Date.now() / 1000) - (opts.elapsedDays ?? 15) * 86400;
  const sub = stripe.createSubscription({
    customer: row!.stripeCustomerId!,
    price: prices.basic,
    status: opts.status,
    periodStart: start,
    periodEnd: start + 30 * 86400,
    trialEnd: opts.status === "trialing" ? start + 30 * 86400 : null,
  });
  await deliver(stripe.event("customer.subscription.created", sub));
  const [local] = await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, sub.id));
  return { org: row!, stripeSub: sub, local: local!, cookie: await sessionCookie(owner.id) };
}

const setQuantity = (cookie: string, addon: string, quantity: number, extra: { key?: string } = {}) =>
  call<Json>(billingAddons.POST, "POST", "/api/v1/billing/addons", {
    cookie,
    body: { addon, quantity },
    headers: extra.key ? { "idempotency-key": extra.key } : undefined,
  });

const held = (subscriptionId: string) =>
  db
    .select()
    .from(subscriptionAddons)
    .where(and(eq(subscriptionAddons.subscriptionId, subscriptionId), isNull(subscriptionAddons.endedAt)));

const prorationInvoices = (subId: string) =>
  stripe
    .list(
      "invoice",
      (i) =>
        i.billing_reason === "subscription_update" &&
        (i.parent as { subscription_details?: { subscription?: string } }).subscription_details?.subscription === subId,
    )
    .map((i) => Number(i.total));

const itemsOf = (subId: string) =>
  stripe.extraItems(subId).map((i) => ({ price: (i.price as Obj).id, quantity: i.quantity, metadata: i.metadata }));

describe("add-ons on Stripe", () => {
  it("adds a recurring add-on as a subscription item with its own price, prorated; changes and deletes it", async () => {
    const { stripeSub, local, cookie } = await stripeCustomer();
    const addon = await makeAddon({ price: "10.00", max_quantity: 5 });

    const added = await setQuantity(cookie, addon.code, 2);
    expect(added.status, JSON.stringify(added.json)).toBe(200);
    expect(added.json).toMatchObject({ applied: true, from_quantity: 0, quantity: 2, charge_kind: "proration" });
    // Half the period left: 2 × $10 × ½ ≈ $10 (Tally's estimate, Stripe prorates to the second).
    expect(Math.abs(Number(added.json.amount_cents) - 1000)).toBeLessThanOrEqual(2);

    // Stripe: a product and a monthly price for the add-on, and an item for it after the plan's.
    const [row] = await db.select().from(addons).where(eq(addons.id, addon.id));
    expect(row!.stripePriceId).toMatch(/^price_/);
    const price = stripe.objects.get(row!.stripePriceId!)!;
    expect(price).toMatchObject({ unit_amount: 1000, currency: "usd", recurring: { interval: "month" } });
    expect(itemsOf(stripeSub.id)).toEqual([
      { price: row!.stripePriceId, quantity: 2, metadata: { tally_addon_id: addon.id } },
    ]);
    const create = stripe.requests.filter((r) => r.path === "/v1/subscription_items").at(-1)!;
    expect(create.body).toMatchObject({ proration_behavior: "always_invoice", quantity: "2" });
    expect(create.idempotencyKey).toMatch(/^tally-addon:/);
    expect(prorationInvoices(stripeSub.id)).toHaveLength(1);
    expect(Math.abs(prorationInvoices(stripeSub.id)[0]! - 1000)).toBeLessThanOrEqual(2);

    // Tally: the add-on is held through the item, and Tally bills nothing of it itself.
    const [h] = await held(local.id);
    expect(h).toMatchObject({ quantity: 2, providerItemId: stripe.extraItems(stripeSub.id)[0]!.id });
    expect(await db.select().from(addonCharges).where(eq(addonCharges.subscriptionId, local.id))).toEqual([]);

    // More units: the same item's quantity, prorated; the plan's item is untouched.
    expect((await setQuantity(cookie, addon.code, 3)).json).toMatchObject({ applied: true, quantity: 3 });
    expect(itemsOf(stripeSub.id)).toEqual([expect.objectContaining({ quantity: 3 })]);
    expect((stripe.objects.get(stripeSub.id)!.items as { data: { price: Obj }[] }).data[0]!.price.id).toBe(
      prices.basic,
    );
    expect(prorationInvoices(stripeSub.id)).toHaveLength(2);

    // Removing deletes the item, with a proration credit.
    const removed = await setQuantity(cookie, addon.code, 0);
    expect(removed.json).toMatchObject({ applied: true, quantity: 0, charge_kind: "proration" });
    expect(Number(removed.json.amount_cents)).toBeLessThan(0);
    expect(stripe.extraItems(stripeSub.id)).toEqual([]);
    const del = stripe.requests.filter((r) => r.method === "DELETE" && r.path.startsWith("/v1/subscription_items/"));
    expect(del).toHaveLength(1);
    expect(prorationInvoices(stripeSub.id).at(-1)!).toBeLessThan(0);
    expect(await held(local.id)).toEqual([]);

    // A second customer's subscription uses the add-on's price Stripe has already.
    const other = await stripeCustomer();
    const productsBefore = stripe.list("product").length;
    expect((await setQuantity(other.cookie, addon.code, 1)).status).toBe(200);
    expect(stripe.list("product").length).toBe(productsBefore);
    expect(itemsOf(other.stripeSub.id)).toEqual([expect.objectContaining({ price: row!.stripePriceId })]);
    // Syncing plans from Stripe does not make the add-on's price a plan.
    await syncAllPlansFromStripe();
    expect(await db.select().from(plans).where(eq(plans.stripePriceId, row!.stripePriceId!))).toEqual([]);
  });

  it("prorates nothing during a trial, and a plan upgrade moves the plan's item, not the add-on's", async () => {
    const trial = await stripeCustomer({ status: "trialing" });
    const addon = await makeAddon({});
    expect((await setQuantity(trial.cookie, addon.code, 1)).json).toMatchObject({ applied: true, amount_cents: 0 });
    const create = stripe.requests.filter((r) => r.path === "/v1/subscription_items").at(-1)!;
    expect(create.body.proration_behavior).toBe("none");
    expect(prorationInvoices(trial.stripeSub.id)).toEqual([]);

    const { stripeSub, local, cookie } = await stripeCustomer();
    const pro = (await db.select().from(plans).where(eq(plans.stripePriceId, prices.pro)))[0]!;
    expect((await setQuantity(cookie, addon.code, 1)).status).toBe(200);
    const res = await call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: pro.id },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const data = (stripe.objects.get(stripeSub.id)!.items as { data: { price: Obj }[] }).data;
    expect(data.map((i) => i.price.id)).toEqual([
      prices.pro,
      (await db.select().from(addons).where(eq(addons.id, addon.id)))[0]!.stripePriceId,
    ]);
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, local.id));
    expect(after!.planId).toBe(pro.id);
    expect((await held(local.id)).map((h) => h.quantity)).toEqual([1]);
  });

  it("deletes the items of add-ons the new plan does not offer: with an upgrade at once, prorated; with a downgrade at the period end, not", async () => {
    const basic = (await db.select().from(plans).where(eq(plans.stripePriceId, prices.basic)))[0]!;
    const pro = (await db.select().from(plans).where(eq(plans.stripePriceId, prices.pro)))[0]!;
    const addon = await makeAddon({ name: "Basic seat", max_quantity: 5, plan_codes: [basic.code] });
    const { stripeSub, local, cookie } = await stripeCustomer();
    expect((await setQuantity(cookie, addon.code, 2)).status).toBe(200);
    const itemId = stripe.extraItems(stripeSub.id)[0]!.id;

    const preview = await call<Json>(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: pro.id, preview: true },
    });
    expect(preview.json.addons_removed).toEqual([
      expect.objectContaining({
        addon: addon.code,
        quantity: 2,
        reason: `it is not offered with the plan ${pro.name} (${pro.code})`,
      }),
    ]);
    // Half the period left: 2 × $10 × ½ ≈ $10 back (Tally's estimate; Stripe prorates to the second).
    const [removed] = preview.json.addons_removed as { amount_cents: number }[];
    expect(Math.abs(removed!.amount_cents + 1000)).toBeLessThanOrEqual(2);

    const res = await call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: pro.id },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    // Stripe: the plan's item on Pro, the add-on's item deleted with an invoiced proration.
    expect(stripe.extraItems(stripeSub.id)).toEqual([]);
    const deleted = stripe.requests.find((r) => r.method === "DELETE" && r.path === `/v1/subscription_items/${itemId}`);
    expect({ ...deleted?.query, ...deleted?.body }).toMatchObject({ proration_behavior: "always_invoice" });
    // Tally: no longer held, and the history says why.
    expect(await held(local.id)).toEqual([]);
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, local.id));
    expect([after!.planId, after!.addonCents]).toEqual([pro.id, 0]);

    // A downgrade back to Basic, which does not offer a Pro-only add-on: kept to the period's end, then its
    // item deleted without proration (the period was used) by the job that switches the price.
    const proOnly = await makeAddon({ name: "Pro seat", plan_codes: [pro.code] });
    expect((await setQuantity(cookie, proOnly.code, 1)).status).toBe(200);
    const proItem = stripe.extraItems(stripeSub.id)[0]!.id;
    const down = await call<Json>(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: basic.id },
    });
    expect(down.json).toMatchObject({ effective: "period_end" });
    expect(down.json.addons_removed).toEqual([expect.objectContaining({ addon: proOnly.code, amount_cents: 0 })]);
    expect(stripe.extraItems(stripeSub.id)).toHaveLength(1); // not yet
    await runDueJobs(new Date(after!.currentPeriodEnd.getTime() + 1000));
    expect(stripe.extraItems(stripeSub.id)).toEqual([]);
    const deletedAtEnd = stripe.requests.find(
      (r) => r.method === "DELETE" && r.path === `/v1/subscription_items/${proItem}`,
    );
    expect({ ...deletedAtEnd?.query, ...deletedAtEnd?.body }).toMatchObject({ proration_behavior: "none" });
    expect(await held(local.id)).toEqual([]);
    const [end] = await db.select().from(subscriptions).where(eq(subscriptions.id, local.id));
    expect([end!.planId, end!.addonCents]).toEqual([basic.id, 0]);
  });

  it("charges a one-time add-on as a pending invoice item, once per purchase, and grants its credits", async () => {
    const { org, stripeSub, local, cookie } = await stripeCustomer();
    const addon = await makeAddon({
      kind: "one_time",
      interval: undefined,
      price: "25",
      credits: 500,
      max_quantity: 3,
    });
    const key = `k-${uid()}`;
    const first = await setQuantity(cookie, addon.code, 2, { key });
    expect(first.json).toMatchObject({
      applied: true,
      charge_kind: "one_time",
      amount_cents: 5000,
      credits_granted: 1000,
    });
    expect((await setQuantity(cookie, addon.code, 2, { key })).headers.get("idempotent-replayed")).toBe("true");
    const items = stripe.list("invoiceitem", (i) => i.customer === org.stripeCustomerId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      amount: 5000,
      invoice: null,
      metadata: { tally_addon_id: addon.id, tally_subscription_id: local.id },
    });
    expect(stripe.requests.find((r) => r.path === "/v1/invoiceitems")!.body.subscription).toBe(stripeSub.id);
    expect(await db.select().from(addonCharges).where(eq(addonCharges.subscriptionId, local.id))).toEqual([]);
    expect((await held(local.id)).map((h) => [h.quantity, h.providerItemId])).toEqual([[2, null]]);
    const grants = await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id));
    expect(grants.map((g) => Number(g.amount))).toEqual([1000]);
    // A webhook after it does not take the one-time add-on away (it has no subscription item).
    await deliver(stripe.event("customer.subscription.updated", stripe.objects.get(stripeSub.id)!));
    expect((await held(local.id)).map((h) => h.quantity)).toEqual([2]);
  });

  it("follows the items changed at Stripe (dashboard, portal) from the subscription webhook", async () => {
    const { stripeSub, local, cookie } = await stripeCustomer();
    const addon = await makeAddon({ credits: 100, max_quantity: 10 });
    expect((await setQuantity(cookie, addon.code, 1)).status).toBe(200);
    const itemId = stripe.extraItems(stripeSub.id)[0]!.id as string;

    // Raised to 4 in Stripe's dashboard: Tally follows, granting the new units' credits once.
    stripe.objects.set(stripeSub.id, {
      ...stripe.objects.get(stripeSub.id)!,
      items: {
        object: "list",
        data: (stripe.objects.get(stripeSub.id)!.items as { data: Obj[] }).data.map((i) =>
          i.id === itemId ? { ...i, quantity: 4 } : i,
        ),
      },
    });
    const event = stripe.event("customer.subscription.updated", stripe.objects.get(stripeSub.id)!);
    await deliver(event);
    await deliver(stripe.event("customer.subscription.updated", stripe.objects.get(stripeSub.id)!));
    expect((await held(local.id)).map((h) => [h.quantity, h.actor])).toEqual([[4, `stripe:${event.id}`]]);
    const grants = await db.select().from(creditGrants).where(eq(creditGrants.subscriptionId, local.id));
    expect(grants.reduce((s, g) => s + Number(g.amount), 0)).toBe(400);

    // Deleted at Stripe: the add-on is gone in Tally.
    stripe.objects.set(stripeSub.id, {
      ...stripe.objects.get(stripeSub.id)!,
      items: { object: "list", data: (stripe.objects.get(stripeSub.id)!.items as { data: Obj[] }).data.slice(0, 1) },
    });
    await deliver(stripe.event("customer.subscription.updated", stripe.objects.get(stripeSub.id)!));
    expect(await held(local.id)).toEqual([]);
  });

  it("answers 503 and changes nothing when Stripe fails", async () => {
    const { stripeSub, local, cookie } = await stripeCustomer();
    const addon = await makeAddon({});
    stripe.failNext(/POST \/v1\/subscription_items/, 503);
    const res = await setQuantity(cookie, addon.code, 1);
    expect(res.status).toBe(503);
    expect(stripe.extraItems(stripeSub.id)).toEqual([]);
    expect(await held(local.id)).toEqual([]);
    // Trying again works.
    expect((await setQuantity(cookie, addon.code, 1)).json).toMatchObject({ applied: true, quantity: 1 });
  });
});
