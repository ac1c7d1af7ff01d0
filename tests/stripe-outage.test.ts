// The fault suite's Stripe outage, quick version: the Stripe-shaped server answers 5xx, then loses
// its answers after doing the work, then refuses connections. Meanwhile what does not need Stripe
// (spends, ingestion, usage, entitlements, billing reads) answers normally and fast, what needs it is
// queued (new customers' Stripe customers, a closed period's usage lines, a scheduled plan change), a
// checkout answers 503 provider_unavailable. Afterwards the outbox drains and Stripe holds exactly one
// customer per organization and one invoice item per Tally line.
import { eq, inArray } from "drizzle-orm";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import * as checkoutRoute from "@/app/api/v1/billing/checkout/route";
import * as changePlanRoute from "@/app/api/v1/billing/subscription/change-plan/route";
import * as subscriptionRoute from "@/app/api/v1/billing/subscription/route";
import * as invoicesRoute from "@/app/api/v1/billing/invoices/route";
import * as portalRoute from "@/app/api/v1/billing/portal/route";
import * as plansSyncRoute from "@/app/api/v1/plans/sync/route";
import * as billingUsageRoute from "@/app/api/v1/billing/usage/route";
import * as upcomingRoute from "@/app/api/v1/billing/upcoming-invoice/route";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as customersRoute from "@/app/api/v1/customers/route";
import * as usageSummaryRoute from "@/app/api/v1/customers/[id]/usage-summary/route";
import * as entitlementsRoute from "@/app/api/v1/entitlements/[feature]/route";
import * as eventsRoute from "@/app/api/v1/events/route";
import * as webhook from "@/app/api/webhooks/stripe/route";
import { insertCreditEvent, insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db } from "@/lib/db/client";
import { jobs, organizations, periodBillings, plans, subscriptions, type Plan } from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { invalidateMeters } from "@/lib/metering/meters";
import { periodBounds } from "@/lib/time";
import { call, customerKey, makeMeter, makeOrg, platformKey, uid } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_stripe_outage";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });
const sdk = new Stripe("sk_test_signing_only");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sec = (d: Date) => Math.floor(d.getTime() / 1000);
/** A request that does not need Stripe answers within this, outage or not. */
const FAST_MS = 1_500;

let platform: string;
let minutes: { code: string; eventName: string };
let starter: Plan, basic: Plan;
let creditEvent: string, pack: string;
/** The Stripe-subscribed customer whose period closes, and who downgrades, during the outage. */
let w: { orgId: string; key: string; subId: string; stripeSubId: string };
/** Customers created through the API during the outage. */
const newOrgs: string[] = [];

async function deliver(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  return webhook.POST(
    new Request("http://tally.test/api/webhooks/stripe", {
      method: "POST",
      headers: { "stripe-signature": sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET }) },
      body: payload,
    }),
  );
}

/** Runs the outbox, at a time past every backoff and scheduled change, until nothing is due (bounded). */
async function drain(at = new Date(Date.now() + 90 * DAY)): Promise<number> {
  let rounds = 0;
  while (rounds < 30 && (await runDueJobs(at)) > 0) rounds++;
  return rounds;
}

const pendingJobs = async (orgIds: string[]) =>
  db
    .select()
    .from(jobs)
    .where(inArray(jobs.orgId, orgIds))
    .then((r) => r.filter((j) => j.status !== "done"));

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

beforeAll(async () => {
  platform = await platformKey();
  minutes = await makeMeter({ aggregation: "sum", property: "minutes", unit: "minute" });
  invalidateMeters();
  const a = stripe.createProduct({ name: `Starter ${uid()}` });
  const b = stripe.createProduct({ name: `Basic ${uid()}` });
  const priceA = stripe.createPrice({ product: a.id, unit_amount: 2900, recurring: { interval: "month" } }).id;
  const priceB = stripe.createPrice({ product: b.id, unit_amount: 900, recurring: { interval: "month" } }).id;
  await syncAllPlansFromStripe();
  const withMinutes = async (price: string, unit: string) =>
    (
      await db
        .update(plans)
        .set({
          charges: [{ type: "usage", meter: minutes.code, model: "per_unit", unit_price: unit }],
          selfServe: true,
        })
        .where(eq(plans.stripePriceId, price))
        .returning()
    )[0]!;
  starter = await withMinutes(priceA, "0.035");
  basic = await withMinutes(priceB, "0.05");
  creditEvent = (
    await insertCreditEvent({
      code: `ce_${uid()}`,
      name: "Outage event",
      credits: 1,
      category: "general",
      active: true,
    })
  ).code;
  pack = (
    await insertCreditProduct({
      code: `pack_${uid()}`,
      name: "Outage pack",
      credits: 100,
      priceCents: 500,
      currency: "usd",
    })
  ).id;

  // A Stripe customer subscribed to Starter since ten days ago, with usage in the period.
  const org = await makeOrg();
  await drain(new Date(Date.now() + 1000));
  const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
  const p = periodBounds(new Date(Math.floor((Date.now() - 10 * DAY) / 1000) * 1000), "month", 0);
  const s = stripe.createSubscription({
    customer: row!.stripeCustomerId!,
    price: starter.stripePriceId!,
    periodStart: sec(p.start),
    periodEnd: sec(p.end),
  });
  expect((await deliver(stripe.event("customer.subscription.created", s))).status).toBe(200);
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, s.id));
  w = { orgId: org.id, key: await customerKey(org.id), subId: sub!.id, stripeSubId: s.id };
  await grantCredits(org.id, {
    amount: 1000,
    source: "purchased",
    expiresAt: null,
    reason: "outage",
    idempotencyKey: uid(),
    actor: "test",
  });
  const ev = await call(eventsRoute.POST, "POST", "/api/v1/events", {
    key: platform,
    body: {
      event_name: minutes.eventName,
      customer_id: org.id,
      event_id: `u-${uid()}`,
      timestamp: new Date(Date.now() - 2 * HOUR).toISOString(),
      properties: { minutes: 40 },
    },
  });
  expect(ev.status).toBeLessThan(300);
  // Stripe renews the subscription (a draft for the period that ended) and says so before it goes
  // down: the period's usage is queued, and the outbox has not run it yet.
  const r = stripe.renewSubscription(s.id);
  expect((await deliver(stripe.event("invoice.created", r.invoice))).status).toBe(200);
  expect((await deliver(stripe.event("customer.subscription.updated", r.subscription))).status).toBe(200);
});

/** The requests that never need Stripe, each timed; all must answer 2xx within FAST_MS. */
async function localRequests(label: string) {
  const checks: [string, () => Promise<{ status: number; json: Record<string, unknown> }>][] = [
    [
      "consume",
      () =>
        call(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
          key: w.key,
          body: { event_name: creditEvent, quantity: 1, idempotency_key: `c-${uid()}` },
        }),
    ],
    [
      "ingest",
      () =>
        call(eventsRoute.POST, "POST", "/api/v1/events", {
          key: w.key,
          body: { event_name: minutes.eventName, event_id: `e-${uid()}`, properties: { minutes: 1 } },
        }),
    ],
    [
      "usage-summary",
      () =>
        call(usageSummaryRoute.GET, "GET", `/api/v1/customers/${w.orgId}/usage-summary`, {
          key: platform,
          params: { id: w.orgId },
        }),
    ],
    [
      "entitlements",
      () =>
        call(entitlementsRoute.GET, "GET", `/api/v1/entitlements/${minutes.code}`, {
          key: w.key,
          params: { feature: minutes.code },
        }),
    ],
    ["billing usage", () => call(billingUsageRoute.GET, "GET", "/api/v1/billing/usage", { key: w.key })],
    ["subscription", () => call(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { key: w.key })],
    ["invoices", () => call(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { key: w.key })],
    ["upcoming invoice", () => call(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", { key: w.key })],
  ];
  for (const [name, f] of checks) {
    const { ms, value } = await timed(f);
    expect(value.status, `${label}: ${name} answered ${value.status} ${JSON.stringify(value.json)}`).toBeLessThan(300);
    expect(ms, `${label}: ${name} took ${Math.round(ms)} ms`).toBeLessThan(FAST_MS);
  }
}

/** What needs Stripe while it is unreachable: queued (customers, plan change) or a 503 (checkout), never a 500, never held. */
async function stripeWork(label: string) {
  const created = await timed(() =>
    call(customersRoute.POST, "POST", "/api/v1/customers", {
      key: platform,
      body: { name: `Outage ${label}`, external_id: `out-${uid()}` },
    }),
  );
  expect(created.value.status, JSON.stringify(created.value.json)).toBe(201);
  expect(created.ms).toBeLessThan(FAST_MS);
  const orgId = String(created.value.json.id);
  newOrgs.push(orgId);

  // A new customer's checkout needs its Stripe customer first; a known customer's needs the session.
  for (const [who, key] of [
    ["new customer", await customerKey(orgId)],
    ["subscribed customer", w.key],
  ] as const) {
    const co = await timed(() =>
      call(checkoutRoute.POST, "POST", "/api/v1/billing/checkout", { key, body: { credit_product_id: pack } }),
    );
    expect(co.value.status, `${label}: ${who}'s checkout: ${JSON.stringify(co.value.json)}`).toBe(503);
    expect((co.value.json.error as { code: string }).code).toBe("provider_unavailable");
    expect(co.ms).toBeLessThan(FAST_MS);
  }

  // The other calls that go to Stripe there and then: the same 503.
  for (const [what, f] of [
    ["portal", () => call(portalRoute.POST, "POST", "/api/v1/billing/portal", { key: w.key })],
    ["plan sync", () => call(plansSyncRoute.POST, "POST", "/api/v1/plans/sync", { key: platform })],
  ] as const) {
    const r = await timed(f);
    expect(r.value.status, `${label}: ${what}: ${JSON.stringify(r.value.json)}`).toBe(503);
    expect((r.value.json.error as { code: string }).code).toBe("provider_unavailable");
    expect(r.ms).toBeLessThan(FAST_MS);
  }

  // The outbox tries, fails fast, and keeps every job for later.
  const run = await timed(() => runDueJobs(new Date(Date.now() + 90 * DAY)));
  expect(run.ms).toBeLessThan(5 * FAST_MS);
  const waiting = await pendingJobs([w.orgId, ...newOrgs]);
  expect(
    waiting.filter((j) => j.status === "failed"),
    `${label}: failed for good during an outage`,
  ).toEqual([]);
  expect(waiting.map((j) => j.kind)).toEqual(
    expect.arrayContaining(["stripe.create_customer", "stripe.bill_period_usage"]),
  );
}

describe("a Stripe outage", () => {
  it("5xx: what does not need Stripe answers fast; customers and usage lines are queued; checkout is a 503", async () => {
    stripe.failAll(503);
    try {
      await localRequests("5xx");
      await stripeWork("5xx");
      // A downgrade takes effect at the period's end: it is scheduled now and applied by the outbox then.
      const change = await timed(() =>
        call(changePlanRoute.POST, "POST", "/api/v1/billing/subscription/change-plan", {
          key: w.key,
          body: { plan_id: basic.id },
        }),
      );
      expect(change.value.status, JSON.stringify(change.value.json)).toBe(200);
      expect(change.value.json).toMatchObject({ direction: "downgrade", effective: "period_end", applied: true });
      expect(change.ms).toBeLessThan(FAST_MS);
      // A webhook Tally cannot confirm with Stripe is refused for Stripe to resend, as a 5xx that says so, not a 500.
      const res = await deliver(stripe.event("customer.subscription.updated", stripe.objects.get(w.stripeSubId)!));
      expect(res.status).toBe(503);
    } finally {
      stripe.failAll(null);
    }
  });

  it("lost answers (Stripe did the work, Tally saw a 500): retries make nothing twice", async () => {
    stripe.failAll(500, { afterEffect: true });
    try {
      await stripeWork("lost answers");
    } finally {
      stripe.failAll(null);
    }
    // Stripe did create them; Tally does not know yet.
    expect(
      stripe.list("customer", (c) => newOrgs.includes(String((c.metadata as Record<string, string>).tally_org_id)))
        .length,
    ).toBeGreaterThan(0);
  });

  it("connections refused: the same, and nothing waits on a connection", async () => {
    await stripe.goDark();
    try {
      await localRequests("refused");
      await stripeWork("refused");
    } finally {
      await stripe.comeBack();
    }
  });

  it("afterwards the outbox drains, and Stripe holds one customer per organization and one invoice item per line", async () => {
    const rounds = await drain();
    expect(rounds).toBeLessThan(30);
    expect(await pendingJobs([w.orgId, ...newOrgs])).toEqual([]);

    const orgs = await db.select().from(organizations).where(inArray(organizations.id, newOrgs));
    expect(orgs.every((o) => o.stripeCustomerId)).toBe(true);
    for (const o of orgs) {
      const atStripe = stripe.list("customer", (c) => (c.metadata as Record<string, string>).tally_org_id === o.id);
      expect(atStripe.map((c) => c.id)).toEqual([o.stripeCustomerId]);
    }
    expect(stripe.duplicatesBy("customer", "tally_org_id")).toEqual({});
    for (const o of newOrgs) expect(stripe.idempotencyKeysSeen("/v1/customers")).toContain(`tally-customer-${o}`);

    // The closed period's usage, once, on the renewal draft: its lines were frozen at the job's first
    // try (the 40 minutes and one sent during the outage: the stand-in's ended period holds "now").
    const [billed] = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, w.subId));
    expect(billed!.status).toBe("billed");
    const items = stripe
      .invoiceItems()
      .filter((i) => (i.metadata as Record<string, string>).tally_subscription_id === w.subId);
    expect(billed!.totalCents).toBeGreaterThanOrEqual(140);
    expect(items.map((i) => Number(i.amount))).toEqual([billed!.totalCents]);
    expect(items[0]!.invoice).toBe(billed!.stripeInvoiceId);
    expect(stripe.duplicatesBy("invoiceitem", "tally_line_id")).toEqual({});

    // The scheduled downgrade reached Stripe when its time came.
    const sub = stripe.objects.get(w.stripeSubId)!;
    expect((sub.items as { data: { price: { id: string } }[] }).data[0]!.price.id).toBe(basic.stripePriceId);

    // And checkout works again.
    const co = await call(checkoutRoute.POST, "POST", "/api/v1/billing/checkout", {
      key: w.key,
      body: { credit_product_id: pack },
    });
    expect(co.status, JSON.stringify(co.json)).toBe(201);
  });
});
