// Adopting an existing Stripe account: customers matched (metadata, email, owner's email, the
// operator's choice), their live subscription taken over in Stripe's state, their past invoices
// mirrored — with no write to Stripe, nothing on a dry run, nothing twice, and no link overwritten.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as adopt from "@/app/api/v1/admin/stripe/adopt/route";
import * as billingInvoices from "@/app/api/v1/billing/invoices/route";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { db } from "@/lib/db/client";
import { invoices, jobs, organizations, plans, subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import type { AdoptCustomerJson, AdoptReportJson } from "@/lib/payments/adopt-stripe-schemas";
import { call, customerKey, makeOrg, makePlan, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import type { Obj } from "./support/stripe-server";
import { withStripeServer } from "./support/stripe-env";

const stripe = withStripeServer();
const DAY = 86400;
const nowS = () => Math.floor(Date.now() / 1000);

let adminCookie: string;
let teamPrice: string;
let teamPlanId: string;
beforeAll(async () => {
  adminCookie = await sessionCookie((await makeUser("admin", null)).id);
  const product = stripe.createProduct({ name: `Team ${uid()}` });
  teamPrice = stripe.createPrice({ product: product.id, unit_amount: 4900, recurring: { interval: "month" } }).id;
  await syncAllPlansFromStripe();
  teamPlanId = (await db.select().from(plans).where(eq(plans.stripePriceId, teamPrice)))[0]!.id;
});

type Choice = { stripe_customer_id: string; customer_id?: string; create?: true };
const post = (body: { dry_run: boolean; customers?: Choice[] }, opts: { cookie?: string; key?: string } = {}) =>
  call<AdoptReportJson & { error?: { code: string; details?: { field: string }[] } }>(
    adopt.POST,
    "POST",
    "/api/v1/admin/stripe/adopt",
    { cookie: opts.key ? undefined : (opts.cookie ?? adminCookie), key: opts.key, body },
  );
const resultFor = (r: AdoptReportJson, cus: Obj): AdoptCustomerJson =>
  r.customers.find((c) => c.stripe_customer_id === cus.id)!;

/** A paying Stripe customer as an account being moved to Tally has one: a subscription and its past invoices. */
function payingCustomer(
  fields: { email?: string | null; name?: string; metadata?: Record<string, string> },
  opts: {
    price?: string;
    status?: string;
    trialEnd?: number | null;
    cancelAtPeriodEnd?: boolean;
    startDate?: number;
  } = {},
) {
  const customer = stripe.createCustomer({
    name: fields.name ?? `Stripe Co ${uid()}`,
    email: fields.email ?? null,
    metadata: fields.metadata,
  });
  const price = opts.price ?? teamPrice;
  const periodStart = nowS() - 10 * DAY;
  const periodEnd = periodStart + 30 * DAY;
  let subscription = stripe.createSubscription({
    customer: customer.id,
    price,
    status: opts.status ?? "active",
    trialEnd: opts.trialEnd ?? null,
    periodStart,
    periodEnd,
    // It began with the oldest invoice below, two periods before the current one.
    startDate: opts.startDate ?? periodStart - 60 * DAY,
  });
  if (opts.cancelAtPeriodEnd) subscription = stripe.put({ ...subscription, cancel_at_period_end: true });
  // Two paid renewals and the first invoice, oldest first; and the next period's draft.
  const past: Obj[] = [60, 30].map((ago, n) =>
    stripe.put({
      ...stripe.createInvoice({
        customer: customer.id,
        subscription: subscription.id,
        status: "paid",
        amount: 4900,
        priceId: price,
        periodStart: periodStart - ago * DAY,
        periodEnd: periodStart - (ago - 30) * DAY,
      }),
      created: periodStart - ago * DAY + n,
    }),
  );
  const open: Obj = stripe.put({
    ...stripe.createInvoice({
      customer: customer.id,
      subscription: subscription.id,
      status: "open",
      amount: 4900,
      priceId: price,
      periodStart,
      periodEnd,
    }),
    created: periodStart,
  });
  stripe.createInvoice({ customer: customer.id, subscription: subscription.id, status: "draft", amount: 4900 });
  return { customer, subscription, periodStart, periodEnd, paid: past, open };
}

const historyOf = (subscriptionId: string) =>
  db
    .select({
      action: subscriptionHistory.action,
      status: subscriptionHistory.status,
      occurredAt: subscriptionHistory.occurredAt,
    })
    .from(subscriptionHistory)
    .where(eq(subscriptionHistory.subscriptionId, subscriptionId))
    .orderBy(subscriptionHistory.occurredAt);
const orgRow = async (id: string) => (await db.select().from(organizations).where(eq(organizations.id, id)))[0]!;
const subsOf = (orgId: string) => db.select().from(subscriptions).where(eq(subscriptions.orgId, orgId));
const invoicesOf = (orgId: string) => db.select().from(invoices).where(eq(invoices.orgId, orgId));

describe("adopting a Stripe account", () => {
  it("previews each customer's match — metadata, billing email, owner's email, or none — and a dry run writes nothing", async () => {
    const byMeta = await makeOrg();
    const byEmail = await makeOrg();
    const byOwner = await makeOrg();
    const owner = await makeUser("owner", byOwner.id);
    const a = payingCustomer({ email: `someone-${uid()}@else.test`, metadata: { tally_org_id: byMeta.id } });
    const b = payingCustomer({ email: byEmail.email!.toUpperCase() });
    const c = payingCustomer({ email: owner.email });
    const d = payingCustomer({ email: `stranger-${uid()}@nowhere.test` });
    const postsBefore = stripe.requests.filter((r) => r.method === "POST").length;

    const res = await post({ dry_run: true });
    expect(res.status).toBe(200);
    expect(res.json.dry_run).toBe(true);
    expect(resultFor(res.json, a.customer)).toMatchObject({
      status: "ready",
      customer_id: byMeta.id,
      matched_by: "metadata.tally_org_id",
      invoices: { count: 4, mirrored: 3, already_mirrored: 0, drafts_skipped: 1 },
      subscriptions: [
        {
          stripe_subscription_id: a.subscription.id,
          status: "active",
          price_ids: [teamPrice],
          plan_id: teamPlanId,
          outcome: "adopt",
          current_period_start: new Date(a.periodStart * 1000).toISOString(),
          current_period_end: new Date(a.periodEnd * 1000).toISOString(),
        },
      ],
    });
    expect(resultFor(res.json, a.customer).actions).toContain(
      `link ${byMeta.name} to Stripe customer ${a.customer.id}`,
    );
    expect(resultFor(res.json, b.customer)).toMatchObject({
      status: "ready",
      customer_id: byEmail.id,
      matched_by: "email",
    });
    expect(resultFor(res.json, c.customer)).toMatchObject({
      status: "ready",
      customer_id: byOwner.id,
      matched_by: "owner_email",
    });
    const none = resultFor(res.json, d.customer);
    expect(none).toMatchObject({ status: "unmatched", customer_id: null, matched_by: null, actions: [] });
    expect(none.note).toMatch(/choose a Tally customer or create a new one/);

    // Nothing written: no link, no subscription, no invoice; and nothing sent to Stripe.
    for (const org of [byMeta, byEmail, byOwner]) {
      expect((await orgRow(org.id)).stripeCustomerId).toBeNull();
      expect(await subsOf(org.id)).toHaveLength(0);
      expect(await invoicesOf(org.id)).toHaveLength(0);
    }
    expect(stripe.requests.filter((r) => r.method === "POST").length).toBe(postsBefore);
  });

  it("adopts: links the customer, starts the subscription on the plan in Stripe's period, and mirrors the past invoices into the customer's list", async () => {
    const org = await makeOrg();
    const owner = await makeUser("owner", org.id);
    const a = payingCustomer({ email: org.email });
    const postsBefore = stripe.requests.filter((r) => r.method === "POST").length;

    const res = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    expect(res.status).toBe(200);
    const r = resultFor(res.json, a.customer);
    expect(r).toMatchObject({
      status: "adopted",
      customer_id: org.id,
      matched_by: "email",
      invoices: { mirrored: 3, drafts_skipped: 1 },
      conflicts: [],
    });
    expect(r.subscriptions[0]).toMatchObject({ outcome: "adopted", plan_id: teamPlanId });
    expect(res.json.totals).toMatchObject({ adopted: 1, invoices_mirrored: 3 });

    expect((await orgRow(org.id)).stripeCustomerId).toBe(a.customer.id);
    const [sub, ...more] = await subsOf(org.id);
    expect(more).toHaveLength(0);
    expect(sub).toMatchObject({
      planId: teamPlanId,
      status: "active",
      provider: "stripe",
      stripeSubscriptionId: a.subscription.id,
      cancelAtPeriodEnd: false,
    });
    expect(sub!.currentPeriodStart.getTime()).toBe(a.periodStart * 1000);
    expect(sub!.currentPeriodEnd.getTime()).toBe(a.periodEnd * 1000);

    // The customer sees them in their own invoice list, with Stripe's numbers and amounts.
    const list = await call<{
      data: { number: string; status: string; total_cents: number; amount_paid_cents: number; provider: string }[];
    }>(billingInvoices.GET, "GET", "/api/v1/billing/invoices", { cookie: await sessionCookie(owner.id) });
    expect(list.status).toBe(200);
    const byNumber = new Map(list.json.data.map((i) => [i.number, i]));
    expect(list.json.data).toHaveLength(3);
    for (const inv of a.paid)
      expect(byNumber.get(String(inv.number))).toMatchObject({
        status: "paid",
        total_cents: 4900,
        amount_paid_cents: 4900,
        provider: "stripe",
      });
    expect(byNumber.get(String(a.open.number))).toMatchObject({
      status: "open",
      total_cents: 4900,
      amount_paid_cents: 0,
    });
    const mirrored = await invoicesOf(org.id);
    expect(mirrored.every((i) => i.subscriptionId === sub!.id)).toBe(true);
    // Its history begins when it began at Stripe, not at the adoption: the revenue charts count two
    // months of MRR before this one, not a new customer today.
    expect(await historyOf(sub!.id)).toEqual([
      { action: "created", status: "active", occurredAt: new Date((a.periodStart - 60 * DAY) * 1000) },
    ]);

    // Adoption reads Stripe and writes nothing there: no charge, no second subscription, no customer.
    expect(stripe.requests.filter((x) => x.method === "POST").length).toBe(postsBefore);
    expect(stripe.list("subscription", (s) => s.customer === a.customer.id)).toHaveLength(1);
  });

  it("adopting again changes nothing: no second subscription, invoice or history row", async () => {
    const org = await makeOrg();
    const a = payingCustomer({ email: `x-${uid()}@t.test`, metadata: { tally_customer_id: org.id } });
    const first = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    expect(resultFor(first.json, a.customer)).toMatchObject({
      status: "adopted",
      matched_by: "metadata.tally_customer_id",
    });
    const before = {
      subs: await subsOf(org.id),
      invoices: await invoicesOf(org.id),
      history: await db.select().from(subscriptionHistory).where(eq(subscriptionHistory.orgId, org.id)),
    };

    const again = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    expect(again.status).toBe(200);
    expect(resultFor(again.json, a.customer)).toMatchObject({
      status: "unchanged",
      matched_by: "already_linked",
      actions: [],
      invoices: { mirrored: 0, already_mirrored: 3 },
      subscriptions: [{ outcome: "already_adopted" }],
    });
    expect(await subsOf(org.id)).toEqual(before.subs);
    expect(await invoicesOf(org.id)).toEqual(before.invoices);
    expect(await db.select().from(subscriptionHistory).where(eq(subscriptionHistory.orgId, org.id))).toEqual(
      before.history,
    );
  });

  it("keeps Stripe's trial and scheduled cancellation, and can create a new Tally customer for an unmatched one", async () => {
    const trialEnd = nowS() + 5 * DAY;
    const email = `new-${uid()}@fresh.test`;
    const a = payingCustomer({ email, name: "Fresh Ltd" }, { status: "trialing", trialEnd, cancelAtPeriodEnd: true });
    const preview = await post({ dry_run: true, customers: [{ stripe_customer_id: a.customer.id }] });
    expect(resultFor(preview.json, a.customer).status).toBe("unmatched");

    const res = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id, create: true }] });
    const r = resultFor(res.json, a.customer);
    expect(r).toMatchObject({ status: "adopted", matched_by: "create", customer_name: "Fresh Ltd" });
    const org = await orgRow(r.customer_id!);
    expect(org).toMatchObject({ name: "Fresh Ltd", email, stripeCustomerId: a.customer.id });
    // Its Stripe customer exists: none is queued for creation.
    expect(await db.select().from(jobs).where(eq(jobs.orgId, org.id))).toHaveLength(0);
    const [sub] = await subsOf(org.id);
    expect(sub).toMatchObject({ status: "trialing", cancelAtPeriodEnd: true, planId: teamPlanId });
    expect(sub!.trialEnd!.getTime()).toBe(trialEnd * 1000);

    // Again with create: true finds the customer it made, and makes no second one.
    const again = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id, create: true }] });
    expect(resultFor(again.json, a.customer)).toMatchObject({ status: "unchanged", customer_id: org.id });
    expect(await db.select().from(organizations).where(eq(organizations.stripeCustomerId, a.customer.id))).toHaveLength(
      1,
    );
  });

  it("adopts onto the Tally customer the operator chooses", async () => {
    const org = await makeOrg();
    const a = payingCustomer({ email: `other-${uid()}@t.test` });
    const res = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id, customer_id: org.id }] });
    expect(resultFor(res.json, a.customer)).toMatchObject({
      status: "adopted",
      matched_by: "operator",
      customer_id: org.id,
    });
    expect((await orgRow(org.id)).stripeCustomerId).toBe(a.customer.id);
  });

  it("reports a customer linked to another Stripe customer as a conflict and changes nothing for it", async () => {
    const org = await makeOrg();
    await db
      .update(organizations)
      .set({ stripeCustomerId: `cus_other${uid()}` })
      .where(eq(organizations.id, org.id));
    const linkedTo = (await orgRow(org.id)).stripeCustomerId;
    const a = payingCustomer({ email: org.email });
    const res = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    const r = resultFor(res.json, a.customer);
    expect(r.status).toBe("conflict");
    expect(r.conflicts.join(" ")).toContain(`already linked to Stripe customer ${linkedTo}`);
    expect(r.actions).toEqual([]);
    expect((await orgRow(org.id)).stripeCustomerId).toBe(linkedTo);
    expect(await subsOf(org.id)).toHaveLength(0);
    expect(await invoicesOf(org.id)).toHaveLength(0);
  });

  it("two Stripe customers matching one Tally customer: neither is adopted until the operator chooses", async () => {
    const org = await makeOrg();
    const a = payingCustomer({ email: org.email });
    const b = payingCustomer({ email: org.email });
    const res = await post({
      dry_run: false,
      customers: [{ stripe_customer_id: a.customer.id }, { stripe_customer_id: b.customer.id }],
    });
    expect(resultFor(res.json, a.customer).status).toBe("conflict");
    expect(resultFor(res.json, b.customer).status).toBe("conflict");
    expect((await orgRow(org.id)).stripeCustomerId).toBeNull();
  });

  it("a subscription on a price that is no Tally plan blocks the customer until plans are pulled from Stripe", async () => {
    const org = await makeOrg();
    const product = stripe.createProduct({ name: `Legacy ${uid()}` });
    const legacy = stripe.createPrice({ product: product.id, unit_amount: 1500, recurring: { interval: "month" } }).id;
    const a = payingCustomer({ email: org.email }, { price: legacy });
    const res = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    const r = resultFor(res.json, a.customer);
    expect(r.status).toBe("blocked");
    expect(r.subscriptions[0]).toMatchObject({ outcome: "unknown_price", plan_id: null, price_ids: [legacy] });
    expect(r.note).toMatch(/pull plans from Stripe first/);
    expect((await orgRow(org.id)).stripeCustomerId).toBeNull();
    expect(await invoicesOf(org.id)).toHaveLength(0);

    await syncAllPlansFromStripe();
    const after = await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    expect(resultFor(after.json, a.customer).status).toBe("adopted");
    const [sub] = await subsOf(org.id);
    const [plan] = await db
      .select()
      .from(plans)
      .where(and(eq(plans.stripePriceId, legacy), eq(plans.isLatest, true)));
    expect(sub!.planId).toBe(plan!.id);
  });

  it("a live manual subscription gives way to the adopted Stripe one, and the preview says so", async () => {
    const org = await makeOrg();
    const manualPlan = await makePlan();
    const now = new Date();
    await db.insert(subscriptions).values({
      id: `sub_manual_${uid()}`,
      orgId: org.id,
      planId: manualPlan.id,
      status: "active",
      interval: "month",
      billingAnchor: now,
      currentPeriodStart: now,
      currentPeriodEnd: new Date(now.getTime() + 30 * DAY * 1000),
      provider: "manual",
    });
    const a = payingCustomer({ email: org.email });
    const preview = await post({ dry_run: true, customers: [{ stripe_customer_id: a.customer.id }] });
    expect(resultFor(preview.json, a.customer).actions.join(" ")).toContain(
      `end the manual subscription to ${manualPlan.name}`,
    );
    await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    const subs = await subsOf(org.id);
    expect(subs.find((s) => s.provider === "manual")!.status).toBe("canceled");
    const adopted = subs.find((s) => s.provider === "stripe")!;
    expect(adopted.status).toBe("active");
    // Not backdated: the manual subscription's MRR covers the months before; both would count it twice.
    const [row, ...more] = await historyOf(adopted.id);
    expect(more).toHaveLength(0);
    expect(row!.occurredAt.getTime()).toBeGreaterThanOrEqual(now.getTime());
  });

  it("a trial that ended before the adoption is a trial from the start, then paid from its end", async () => {
    const org = await makeOrg();
    const started = nowS() - 80 * DAY;
    const trialEnd = started + 14 * DAY;
    const a = payingCustomer({ email: org.email }, { trialEnd, startDate: started });
    await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] });
    const [sub] = await subsOf(org.id);
    expect(await historyOf(sub!.id)).toEqual([
      { action: "trial_started", status: "trialing", occurredAt: new Date(started * 1000) },
      { action: "activated", status: "active", occurredAt: new Date(trialEnd * 1000) },
    ]);
  });

  it("brings a subscription that ended at Stripe as history — its months, then its end — before the live one, without overlap", async () => {
    const org = await makeOrg();
    // Customer since 200 days ago; canceled 120 days ago; back 90 days ago on the subscription it has now.
    const liveStart = nowS() - 90 * DAY;
    const a = payingCustomer({ email: org.email }, { startDate: liveStart });
    const endedStart = nowS() - 200 * DAY;
    const endedAt = nowS() - 120 * DAY;
    const ended = stripe.put({
      ...stripe.createSubscription({
        customer: a.customer.id,
        price: teamPrice,
        status: "canceled",
        periodStart: endedAt - 20 * DAY,
        periodEnd: endedAt,
        startDate: endedStart,
      }),
      canceled_at: endedAt,
      ended_at: endedAt,
    });
    // One on a price that is no plan stays Stripe's, and blocks nothing.
    const otherProduct = stripe.createProduct({ name: `Legacy ${uid()}` });
    const legacy = stripe.createPrice({ product: otherProduct.id, unit_amount: 100, recurring: { interval: "month" } });
    stripe.put({
      ...stripe.createSubscription({
        customer: a.customer.id,
        price: legacy.id,
        status: "canceled",
        startDate: endedStart - 100 * DAY,
      }),
      ended_at: endedStart - 50 * DAY,
    });

    const preview = resultFor(
      (await post({ dry_run: true, customers: [{ stripe_customer_id: a.customer.id }] })).json,
      a.customer,
    );
    expect(preview.status).toBe("ready");
    const endedRow = preview.subscriptions.find((s) => s.stripe_subscription_id === ended.id)!;
    expect(endedRow).toMatchObject({
      outcome: "adopt_history",
      ended_at: new Date(endedAt * 1000).toISOString(),
      started_at: new Date(endedStart * 1000).toISOString(),
    });
    expect(preview.subscriptions.find((s) => s.plan_id === null)).toMatchObject({ outcome: "not_adopted" });
    expect(preview.actions.findIndex((x) => x.startsWith("bring ended subscription"))).toBeLessThan(
      preview.actions.findIndex((x) => x.startsWith("adopt subscription")),
    );

    const done = resultFor(
      (await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] })).json,
      a.customer,
    );
    expect(done.status).toBe("adopted");
    expect(done.subscriptions.find((s) => s.stripe_subscription_id === ended.id)!.outcome).toBe("adopted_history");
    const subs = await subsOf(org.id);
    expect(subs).toHaveLength(2);
    const past = subs.find((s) => s.stripeSubscriptionId === ended.id)!;
    const live = subs.find((s) => s.stripeSubscriptionId === a.subscription.id)!;
    expect(past).toMatchObject({ status: "canceled", planId: teamPlanId });
    expect(await historyOf(past.id)).toEqual([
      { action: "created", status: "active", occurredAt: new Date(endedStart * 1000) },
      { action: "canceled", status: "canceled", occurredAt: new Date(endedAt * 1000) },
    ]);
    // The live one began after the ended one ended: backdated to its own start (a reactivation, not new).
    expect(await historyOf(live.id)).toEqual([
      { action: "created", status: "active", occurredAt: new Date(liveStart * 1000) },
    ]);
    // Again: nothing more.
    const again = resultFor(
      (await post({ dry_run: false, customers: [{ stripe_customer_id: a.customer.id }] })).json,
      a.customer,
    );
    expect(again.status).toBe("unchanged");
    expect(await subsOf(org.id)).toHaveLength(2);
  });

  it("many customers named at once are read by listing the account, not one by one, with the same answer", async () => {
    const orgs = await Promise.all(Array.from({ length: 12 }, () => makeOrg()));
    const accounts = orgs.map((o) => payingCustomer({ email: o.email }));
    const reads = () =>
      stripe.requests.filter((r) => r.method === "GET" && /^\/v1\/customers\/cus_/.test(r.path)).length;
    const before = reads();
    const res = await post({
      dry_run: false,
      customers: [
        ...accounts.map((a) => ({ stripe_customer_id: a.customer.id })),
        { stripe_customer_id: "cus_missing" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.error!.details![0]!.field).toBe("customers.12.stripe_customer_id");
    const ok = await post({ dry_run: false, customers: accounts.map((a) => ({ stripe_customer_id: a.customer.id })) });
    expect(ok.json.totals).toMatchObject({ customers: 12, adopted: 12, invoices_mirrored: 36 });
    expect(reads()).toBe(before);
    for (const [i, o] of orgs.entries()) expect((await orgRow(o.id)).stripeCustomerId).toBe(accounts[i]!.customer.id);
  });

  it("names a bad field, refuses non-admins, answers 503 when Stripe is down and 409 when it is not configured", async () => {
    const bad = await post({ dry_run: false, customers: [{ stripe_customer_id: "cus_doesnotexist" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error!.details![0]!.field).toBe("customers.0.stripe_customer_id");
    const a = stripe.createCustomer({ email: `z-${uid()}@t.test` });
    const noOrg = await post({ dry_run: true, customers: [{ stripe_customer_id: a.id, customer_id: "org_nope" }] });
    expect(noOrg.status).toBe(400);
    expect(noOrg.json.error!.details![0]!.field).toBe("customers.0.customer_id");
    const missing = await call<{ error: { details: { field: string }[] } }>(
      adopt.POST,
      "POST",
      "/api/v1/admin/stripe/adopt",
      {
        cookie: adminCookie,
        body: {},
      },
    );
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0]!.field).toBe("dry_run");

    const org = await makeOrg();
    const owner = await makeUser("owner", org.id);
    expect((await post({ dry_run: true }, { cookie: await sessionCookie(owner.id) })).status).toBe(403);
    expect((await post({ dry_run: true }, { key: await customerKey(org.id) })).status).toBe(403);
    expect((await post({ dry_run: true }, { key: await platformKey() })).status).toBe(200);

    stripe.failAll(500);
    try {
      const down = await post({ dry_run: true });
      expect(down.status).toBe(503);
      expect(down.headers.get("retry-after")).toBeTruthy();
    } finally {
      stripe.failAll(null);
    }

    const key = process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_KEY;
    resetEnvCache();
    try {
      const off = await post({ dry_run: true });
      expect(off.status).toBe(409);
      expect(JSON.stringify(off.json)).toMatch(/STRIPE_SECRET_KEY/);
    } finally {
      process.env.STRIPE_SECRET_KEY = key;
      resetEnvCache();
    }
  });
});
