// The payment rails (PAYMENTS): the sandbox is a test mode — it serves the customer, but its money
// never counts as revenue — and invoice billing grants nothing until an operator records the
// payment, through the same grant a card payment runs.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { BillingStatsJson, EconomicsJson, RevenueSeriesJson as SeriesJson } from "@/lib/revenue/schemas";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as historyRoute from "@/app/api/v1/billing/history/route";
import * as invoicesRoute from "@/app/api/v1/billing/invoices/route";
import * as portal from "@/app/api/v1/billing/portal/route";
import * as subscriptionRoute from "@/app/api/v1/billing/subscription/route";
import * as markPaid from "@/app/api/v1/admin/invoices/[id]/mark-paid/route";
import * as chargesRoute from "@/app/api/v1/admin/billing/recent-charges/route";
import * as statsRoute from "@/app/api/v1/admin/billing/stats/route";
import * as subsRoute from "@/app/api/v1/admin/billing/subscriptions/route";
import * as economicsRoute from "@/app/api/v1/admin/revenue/economics/route";
import * as seriesRoute from "@/app/api/v1/admin/revenue/series/route";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { getCreditBalance } from "@/lib/credits/balance";
import { db } from "@/lib/db/client";
import { creditGrants, invoices, subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { env, resetEnvCache } from "@/lib/env";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { railOf } from "@/lib/payments/provider";
import { call, customerKey, makeOrg, makePlan, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

type Checkout = { id: string; url: string; provider: string };
type InvoiceOut = { id: string; status: string; total_cents: number; amount_due_cents: number; livemode: boolean };
type PaymentOut = {
  amount_cents: number;
  status: string;
  livemode: boolean;
  offline: { method: string; reference: string } | null;
};

function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}

afterEach(() => setEnv({ PAYMENTS: undefined, STRIPE_SECRET_KEY: undefined }));

async function owner() {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  return { org, user, cookie: await sessionCookie(user.id) };
}

const pack = (tag: string) =>
  insertCreditProduct({ code: `pack-${tag}`, name: "2,500 credits", credits: 2500, priceCents: 2000, currency: "usd" });

/** Every revenue figure an operator reads, for the current month. */
async function revenueNow(key: string) {
  const month = new Date().toISOString().slice(0, 7);
  const stats = (
    await call<BillingStatsJson>(statsRoute.GET, "GET", "/api/v1/admin/billing/stats?currency=usd", { key })
  ).json;
  const series = (
    await call<SeriesJson>(
      seriesRoute.GET,
      "GET",
      `/api/v1/admin/revenue/series?from=${month}&to=${month}&currency=usd`,
      { key },
    )
  ).json.data[0]!;
  const econ = (
    await call<EconomicsJson>(
      economicsRoute.GET,
      "GET",
      `/api/v1/admin/revenue/economics?month=${month}&currency=usd`,
      { key },
    )
  ).json;
  return {
    mrr: stats.mrr_cents,
    arr: stats.arr_cents,
    paying: stats.paying_customers,
    active: stats.active_subscriptions,
    tiers: stats.tiers.reduce((s, t) => s + t.subscriptions, 0),
    seriesMrr: series.ending_mrr_cents,
    newMrr: series.new_mrr_cents,
    packRevenue: series.credit_pack_revenue_cents,
    packsSold: econ.credit_packs.packs_sold,
    packNet: econ.credit_packs.net_cents,
    deferred: econ.deferred_revenue.value_cents,
    econRevenue: econ.totals.revenue_cents,
  };
}

describe("the payment rail (PAYMENTS)", () => {
  it("defaults to stripe with a key, else sandbox on the embedded database and invoice on DATABASE_URL", () => {
    expect(railOf({ PAYMENTS: undefined, STRIPE_SECRET_KEY: "sk_test_x", DATABASE_URL: undefined })).toBe("stripe");
    expect(railOf({ PAYMENTS: undefined, STRIPE_SECRET_KEY: undefined, DATABASE_URL: undefined })).toBe("sandbox");
    expect(railOf({ PAYMENTS: undefined, STRIPE_SECRET_KEY: undefined, DATABASE_URL: "postgres://x@h/db" })).toBe(
      "invoice",
    );
    expect(railOf({ PAYMENTS: "sandbox", STRIPE_SECRET_KEY: undefined, DATABASE_URL: "postgres://x@h/db" })).toBe(
      "sandbox",
    );
  });

  it("refuses a rail that contradicts the Stripe key, naming PAYMENTS", () => {
    setEnv({ PAYMENTS: "stripe", STRIPE_SECRET_KEY: undefined });
    expect(() => env()).toThrow(/PAYMENTS: PAYMENTS=stripe needs STRIPE_SECRET_KEY/);
    setEnv({ PAYMENTS: "sandbox", STRIPE_SECRET_KEY: "sk_test_x" });
    expect(() => env()).toThrow(/PAYMENTS=sandbox contradicts STRIPE_SECRET_KEY/);
    setEnv({ PAYMENTS: "invoice", STRIPE_SECRET_KEY: undefined });
    expect(env().PAYMENTS).toBe("invoice");
  });
});

describe("the sandbox is test mode", () => {
  it("a sandbox credit pack grants its credits but leaves every revenue figure unchanged, and is marked test", async () => {
    const key = await platformKey();
    const { org, cookie } = await owner();
    const p = await pack(uid());
    const before = await revenueNow(key);
    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { credit_product_id: p.id },
    });
    expect(co.json.provider).toBe("local");
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test")).toMatchObject({
      ok: true,
    });

    // The customer got what it bought: the credits are spendable.
    expect((await getCreditBalance(org.id))!.balance).toBe(2500);
    // …and it is test money everywhere it shows.
    const pays = (await call<{ data: PaymentOut[] }>(historyRoute.GET, "GET", "/api/v1/billing/history", { cookie }))
      .json.data;
    expect(pays).toEqual([expect.objectContaining({ amount_cents: 2000, status: "succeeded", livemode: false })]);
    const invs = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    expect(invs).toEqual([expect.objectContaining({ status: "paid", livemode: false })]);
    expect((await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id))).map((g) => g.livemode)).toEqual(
      [false],
    );
    const charges = (
      await call<{ data: { customer_id: string; livemode: boolean; net_cents: number; amount_cents: number }[] }>(
        chargesRoute.GET,
        "GET",
        "/api/v1/admin/billing/recent-charges?limit=100",
        { key },
      )
    ).json.data;
    expect(charges.filter((c) => c.customer_id === org.id)).toEqual([
      expect.objectContaining({ amount_cents: 2000, livemode: false, net_cents: 0 }),
    ]);

    expect(await revenueNow(key)).toEqual(before);
  });

  it("a sandbox subscription starts and serves the plan, but adds nothing to MRR, ARR, tiers or the revenue series", async () => {
    const key = await platformKey();
    const { org, cookie } = await owner();
    const plan = await makePlan({ basePriceCents: 4900 });
    const before = await revenueNow(key);
    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id },
    });
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test")).toMatchObject({
      ok: true,
      kind: "subscription",
    });

    const summary = await call<{ status: string; livemode: boolean; access: { level: string } }>(
      subscriptionRoute.GET,
      "GET",
      "/api/v1/billing/subscription",
      { cookie },
    );
    expect(summary.json).toMatchObject({ status: "active", livemode: false, access: { level: "full" } });
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(
      (await db.select().from(subscriptionHistory).where(eq(subscriptionHistory.subscriptionId, sub!.id))).every(
        (h) => !h.livemode,
      ),
    ).toBe(true);
    const listed = (
      await call<{ data: { id: string; livemode: boolean; mrr_cents: number }[] }>(
        subsRoute.GET,
        "GET",
        "/api/v1/admin/billing/subscriptions?limit=100",
        { key },
      )
    ).json.data;
    expect(listed.find((s) => s.id === sub!.id)).toMatchObject({ livemode: false, mrr_cents: 0 });

    expect(await revenueNow(key)).toEqual(before);
  });
});

describe("invoice billing (PAYMENTS=invoice)", () => {
  it("a credit pack is invoiced, grants nothing until an operator records the payment, then grants once however often it is recorded", async () => {
    setEnv({ PAYMENTS: "invoice" });
    const key = await platformKey();
    const { org, cookie } = await owner();
    const p = await pack(uid());
    const before = await revenueNow(key);

    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { credit_product_id: p.id },
    });
    expect(co.status).toBe(201);
    expect(co.json.provider).toBe("manual");
    const [inv] = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    expect(inv).toMatchObject({ status: "open", total_cents: 2000, amount_due_cents: 2000, livemode: true });
    expect(co.json.url).toContain(`/billing/invoices/${inv!.id}`);
    expect(co.json.url).not.toContain("/sandbox/");
    expect((await getCreditBalance(org.id))?.balance ?? 0).toBe(0);
    // No card rail to pay it with: the sandbox refuses, the portal has nothing to manage.
    await expect(
      payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test"),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await call(portal.POST, "POST", "/api/v1/billing/portal", { cookie })).status).toBe(409);

    // A customer cannot mark its own invoice paid, with a session or a key.
    const body = { method: "bank_transfer", reference: "SEPA 2026-0042" };
    const params = { id: inv!.id };
    expect(
      (await call(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv!.id}/mark-paid`, { cookie, body, params }))
        .status,
    ).toBe(403);
    expect(
      (
        await call(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv!.id}/mark-paid`, {
          key: await customerKey(org.id),
          body,
          params,
        })
      ).status,
    ).toBe(403);
    expect((await getCreditBalance(org.id))?.balance ?? 0).toBe(0);

    const admin = await makeUser("admin", null);
    const adminCookie = await sessionCookie(admin.id);
    const first = await call<{ invoice: InvoiceOut; payment: PaymentOut; already_paid: boolean }>(
      markPaid.POST,
      "POST",
      `/api/v1/admin/invoices/${inv!.id}/mark-paid`,
      { cookie: adminCookie, body, params },
    );
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      already_paid: false,
      invoice: { status: "paid", amount_due_cents: 0 },
      payment: {
        amount_cents: 2000,
        status: "succeeded",
        livemode: true,
        offline: { method: "bank_transfer", reference: "SEPA 2026-0042" },
      },
    });
    const again = await call<{ already_paid: boolean }>(
      markPaid.POST,
      "POST",
      `/api/v1/admin/invoices/${inv!.id}/mark-paid`,
      { key, body, params },
    );
    expect(again.json.already_paid).toBe(true);
    expect((await getCreditBalance(org.id))!.balance).toBe(2500);
    expect(await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id))).toHaveLength(1);

    // Real money: it is revenue.
    const after = await revenueNow(key);
    expect(after.packRevenue - before.packRevenue).toBe(2000);
    expect(after.packsSold - before.packsSold).toBe(1);
  });

  it("a paid plan starts incomplete with its first invoice open, and is activated (with MRR) only when the invoice is marked paid", async () => {
    setEnv({ PAYMENTS: "invoice" });
    const key = await platformKey();
    const { org, cookie } = await owner();
    const plan = await makePlan({ basePriceCents: 9900, includedCredits: 1000 });
    const before = await revenueNow(key);
    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id },
    });
    expect(co.status).toBe(201);
    const summary = async () =>
      (
        await call<{ status: string; access: { level: string } }>(
          subscriptionRoute.GET,
          "GET",
          "/api/v1/billing/subscription",
          { cookie },
        )
      ).json;
    expect(await summary()).toMatchObject({ status: "incomplete", access: { level: "none" } });
    const [inv] = await db.select().from(invoices).where(eq(invoices.orgId, org.id));
    expect(inv).toMatchObject({ status: "open", totalCents: 9900 });
    expect((await getCreditBalance(org.id))?.balance ?? 0).toBe(0);
    expect((await revenueNow(key)).mrr).toBe(before.mrr);

    const r = await call(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv!.id}/mark-paid`, {
      key,
      body: { method: "check", reference: "check 1187" },
      params: { id: inv!.id },
    });
    expect(r.status).toBe(200);
    expect(await summary()).toMatchObject({ status: "active", access: { level: "full" } });
    expect((await getCreditBalance(org.id))!.balance).toBe(1000);
    expect((await revenueNow(key)).mrr - before.mrr).toBe(9900);
    await call(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv!.id}/mark-paid`, {
      key,
      body: { method: "check", reference: "check 1187" },
      params: { id: inv!.id },
    });
    expect((await getCreditBalance(org.id))!.balance).toBe(1000);
  });

  it("two operators marking the same invoice paid at once grant its credits once", async () => {
    setEnv({ PAYMENTS: "invoice" });
    const key = await platformKey();
    const { org, cookie } = await owner();
    await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { credit_product_id: (await pack(uid())).id },
    });
    const [inv] = await db.select().from(invoices).where(eq(invoices.orgId, org.id));
    const mark = () =>
      call<{ already_paid: boolean }>(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv!.id}/mark-paid`, {
        key,
        body: { method: "other", reference: "wire" },
        params: { id: inv!.id },
      });
    const results = await Promise.all([mark(), mark(), mark()]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.filter((r) => !r.json.already_paid)).toHaveLength(1);
    expect((await getCreditBalance(org.id))!.balance).toBe(2500);
    const pays = (await call<{ data: PaymentOut[] }>(historyRoute.GET, "GET", "/api/v1/billing/history", { cookie }))
      .json.data;
    expect(pays).toHaveLength(1);
  });

  it("refuses to mark a test (sandbox) invoice paid", async () => {
    const key = await platformKey();
    const { org, cookie } = await owner();
    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { credit_product_id: (await pack(uid())).id },
    });
    await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test");
    const [inv] = await db.select().from(invoices).where(eq(invoices.orgId, org.id));
    await db.update(invoices).set({ status: "open" }).where(eq(invoices.id, inv!.id));
    const r = await call<{ error: { message: string } }>(
      markPaid.POST,
      "POST",
      `/api/v1/admin/invoices/${inv!.id}/mark-paid`,
      { key, body: { method: "cash", reference: "till" }, params: { id: inv!.id } },
    );
    expect(r.status).toBe(409);
  });
});
