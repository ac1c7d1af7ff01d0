import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as subscriptionRoute from "@/app/api/v1/billing/subscription/route";
import * as invoicesRoute from "@/app/api/v1/billing/invoices/route";
import * as pdf from "@/app/api/v1/billing/invoices/[id]/pdf/route";
import * as history from "@/app/api/v1/billing/history/route";
import * as changePlan from "@/app/api/v1/billing/subscription/change-plan/route";
import * as cancel from "@/app/api/v1/billing/subscription/cancel/route";
import * as resume from "@/app/api/v1/billing/subscription/resume/route";
import * as portal from "@/app/api/v1/billing/portal/route";
import { db } from "@/lib/db/client";
import { subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import { retryOpenInvoices } from "@/lib/payments/local-billing";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { call, customerKey, makeMeter, makeOrg, makePlan, makeUser, sessionCookie } from "./support/fixtures";

type Checkout = { id: string; url: string; provider: string };
type Summary = {
  status: string;
  plan: { id: string } | null;
  cancel_at_period_end: boolean;
  pending_plan: { id: string } | null;
  access: { level: string };
};
type InvoiceOut = { id: string; number: string; status: string; total_cents: number; pdf_url: string };

async function owner() {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  return { org, user, cookie: await sessionCookie(user.id) };
}

async function subscribeViaSandbox(orgId: string, cookie: string, planId: string, card = "4242424242424242") {
  const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
    cookie,
    body: { plan_id: planId },
  });
  expect(co.status).toBe(201);
  return { checkout: co.json, result: await payLocalCheckout(orgId, co.json.id, { cardNumber: card }, "test") };
}

describe("billing with the local sandbox provider", () => {
  it("sells a credit pack: paid once, invoiced, and its credits granted to the purchased bucket once", async () => {
    const { org, cookie } = await owner();
    const { insertCreditProduct } = await import("@/lib/catalog/seed-catalog");
    const pack = await insertCreditProduct({
      code: `pack-${org.id.slice(-6)}`,
      name: "2,500 credits",
      credits: 2500,
      priceCents: 2000,
      currency: "usd",
    });
    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { credit_product_id: pack.id },
    });
    expect(co.status).toBe(201);
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test")).toMatchObject({
      ok: true,
      kind: "credits",
    });
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test")).toMatchObject({
      ok: true,
    });
    const { getCreditBalance } = await import("@/lib/credits/balance");
    const balance = (await getCreditBalance(org.id))!;
    expect(balance.balance).toBe(2500);
    const invs = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    expect(invs.map((i) => [i.total_cents, i.status])).toEqual([[2000, "paid"]]);
  });

  it("subscribes through the sandbox checkout: a declined card changes nothing, a good card activates the plan and pays its invoice", async () => {
    const { org, cookie } = await owner();
    const plan = await makePlan({ basePriceCents: 4900 });
    const co = await call<Checkout>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: plan.id },
    });
    expect(co.json).toMatchObject({ provider: "local" });
    expect(co.json.url).toContain(`/sandbox/checkout/${co.json.id}`);
    const declined = await payLocalCheckout(org.id, co.json.id, { cardNumber: "4000 0000 0000 0002" }, "test");
    expect(declined).toMatchObject({ ok: false });
    expect(
      (await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie })).json.status,
    ).toBe("none");
    const paid = await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242 4242 4242 4242" }, "test");
    expect(paid).toMatchObject({ ok: true, kind: "subscription" });
    // Paying twice (a double click) changes nothing more.
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242 4242 4242 4242" }, "test")).toMatchObject({
      ok: true,
    });
    const summary = await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie });
    expect(summary.json).toMatchObject({ status: "active", plan: { id: plan.id }, access: { level: "full" } });
    const invs = await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie });
    expect(invs.json.data).toHaveLength(1);
    expect(invs.json.data[0]).toMatchObject({ status: "paid", total_cents: 4900 });
    expect(invs.json.data[0]!.number).toMatch(/^TLY-\d{6}$/);
    const payments = await call<{ data: { status: string; amount_cents: number }[] }>(
      history.GET,
      "GET",
      "/api/v1/billing/history",
      { cookie },
    );
    expect(payments.json.data.map((p) => p.status).sort()).toEqual(["failed", "succeeded"]);
  });

  it("serves the invoice as a PDF to its customer and hides it from others", async () => {
    const { org, cookie } = await owner();
    await subscribeViaSandbox(org.id, cookie, (await makePlan({ basePriceCents: 1234 })).id);
    const [inv] = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    const res = await pdf.GET(new Request(`http://tally.test${inv!.pdf_url}`, { headers: { cookie } }), {
      params: Promise.resolve({ id: inv!.id }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const stranger = await customerKey((await makeOrg()).id);
    const hidden = await pdf.GET(
      new Request(`http://tally.test${inv!.pdf_url}`, { headers: { authorization: `Bearer ${stranger}` } }),
      { params: Promise.resolve({ id: inv!.id }) },
    );
    expect(hidden.status).toBe(404);
  });

  it("lets only the owner (or the org's key) change billing; a member gets 403", async () => {
    const { org } = await owner();
    const member = await makeUser("member", org.id);
    const plan = await makePlan();
    expect(
      (
        await call(checkout.POST, "POST", "/api/v1/billing/checkout", {
          cookie: await sessionCookie(member.id),
          body: { plan_id: plan.id },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(checkout.POST, "POST", "/api/v1/billing/checkout", {
          key: await customerKey(org.id),
          body: { plan_id: plan.id },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", {
          cookie: await sessionCookie(member.id),
        })
      ).status,
    ).toBe(200);
  });

  it("refuses a second checkout while subscribed (409) and points to the sandbox portal", async () => {
    const { org, cookie } = await owner();
    const plan = await makePlan();
    await subscribeViaSandbox(org.id, cookie, plan.id);
    expect(
      (await call(checkout.POST, "POST", "/api/v1/billing/checkout", { cookie, body: { plan_id: plan.id } })).status,
    ).toBe(409);
    expect((await call<{ url: string }>(portal.POST, "POST", "/api/v1/billing/portal", { cookie })).json.url).toContain(
      "/sandbox/portal",
    );
  });

  it("upgrades now with the previewed proration charged, and downgrades at the period end", async () => {
    const { org, cookie } = await owner();
    const starter = await makePlan({ basePriceCents: 2900 });
    const pro = await makePlan({ basePriceCents: 9900 });
    await subscribeViaSandbox(org.id, cookie, starter.id);
    const preview = await call<{ direction: string; amount_due_now_cents: number; applied: boolean }>(
      changePlan.POST,
      "POST",
      "/api/v1/billing/subscription/change-plan",
      { cookie, body: { plan_id: pro.id, preview: true } },
    );
    expect(preview.json).toMatchObject({ direction: "upgrade", applied: false });
    expect(preview.json.amount_due_now_cents).toBeGreaterThan(6900); // almost the whole period remains
    expect(preview.json.amount_due_now_cents).toBeLessThanOrEqual(7000);
    const applied = await call<{ amount_due_now_cents: number }>(
      changePlan.POST,
      "POST",
      "/api/v1/billing/subscription/change-plan",
      { cookie, body: { plan_id: pro.id } },
    );
    expect(applied.status).toBe(200);
    expect(
      (await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie })).json.plan!.id,
    ).toBe(pro.id);
    const invs = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    expect(invs.map((i) => [i.total_cents, i.status])).toContainEqual([applied.json.amount_due_now_cents, "paid"]);

    const down = await call<{ direction: string; effective: string }>(
      changePlan.POST,
      "POST",
      "/api/v1/billing/subscription/change-plan",
      { cookie, body: { plan_id: starter.id } },
    );
    expect(down.json).toMatchObject({ direction: "downgrade", effective: "period_end" });
    const s = await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie });
    expect(s.json).toMatchObject({ plan: { id: pro.id }, pending_plan: { id: starter.id } });
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    await rollOverSubscriptions(new Date(sub!.currentPeriodEnd.getTime() + 1000));
    expect(
      (await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie })).json.plan!.id,
    ).toBe(starter.id);
  });

  it("cancels at period end and resumes, with a history row each", async () => {
    const { org, cookie } = await owner();
    await subscribeViaSandbox(org.id, cookie, (await makePlan()).id);
    expect(
      (await call<Summary>(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { cookie })).json
        .cancel_at_period_end,
    ).toBe(true);
    expect(
      (await call<Summary>(resume.POST, "POST", "/api/v1/billing/subscription/resume", { cookie })).json
        .cancel_at_period_end,
    ).toBe(false);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    const actions = (
      await db
        .select()
        .from(subscriptionHistory)
        .where(eq(subscriptionHistory.subscriptionId, sub!.id))
        .orderBy(asc(subscriptionHistory.recordedAt))
    ).map((h) => h.action);
    expect(actions).toEqual(["created", "cancel_scheduled", "cancel_unscheduled"]);
  });

  it("keeps a scheduled downgrade through cancel and resume: it never happens if the subscription ends, and resuming brings it back", async () => {
    const pro = await makePlan({ basePriceCents: 9900 });
    const starter = await makePlan({ basePriceCents: 2900 });
    const summary = async (cookie: string) =>
      (
        await call<Summary & { status: string }>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", {
          cookie,
        })
      ).json;
    const downgrade = (cookie: string) =>
      call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
        cookie,
        body: { plan_id: starter.id },
      });

    // Cancel, then resume: the downgrade is still scheduled and applies at the period end.
    const a = await owner();
    await subscribeViaSandbox(a.org.id, a.cookie, pro.id);
    await downgrade(a.cookie);
    await call(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { cookie: a.cookie });
    expect(await summary(a.cookie)).toMatchObject({ cancel_at_period_end: true, pending_plan: { id: starter.id } });
    await call(resume.POST, "POST", "/api/v1/billing/subscription/resume", { cookie: a.cookie });
    expect(await summary(a.cookie)).toMatchObject({ cancel_at_period_end: false, pending_plan: { id: starter.id } });
    const [subA] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, a.org.id));
    await rollOverSubscriptions(new Date(subA!.currentPeriodEnd.getTime() + 1000));
    expect((await summary(a.cookie)).plan!.id).toBe(starter.id);

    // Cancel and let the period end: the subscription ends, and the downgrade never starts.
    const b = await owner();
    await subscribeViaSandbox(b.org.id, b.cookie, pro.id);
    await downgrade(b.cookie);
    await call(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { cookie: b.cookie });
    const [subB] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, b.org.id));
    await rollOverSubscriptions(new Date(subB!.currentPeriodEnd.getTime() + 1000));
    const [ended] = await db.select().from(subscriptions).where(eq(subscriptions.id, subB!.id));
    expect(ended).toMatchObject({ status: "canceled", planId: pro.id });
  });

  it("goes past due when a renewal is declined, keeps access for the grace period, and recovers when a good card pays", async () => {
    const { org, cookie } = await owner();
    await subscribeViaSandbox(org.id, cookie, (await makePlan({ basePriceCents: 2900 })).id);
    await db.transaction((tx) => addSandboxCard(tx, org.id, { number: "4000000000000002" }));
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    await rollOverSubscriptions(new Date(sub!.currentPeriodEnd.getTime() + 1000));
    const late = await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie });
    expect(late.json).toMatchObject({ status: "past_due", access: { level: "grace" } });
    await db.transaction(async (tx) => {
      await addSandboxCard(tx, org.id, { number: "4242424242424242" });
      await retryOpenInvoices(tx, org.id);
    });
    expect(
      (await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie })).json.status,
    ).toBe("active");
  });

  it("bills the ended period's usage in arrears on the renewal invoice, priced by the plan's charges and rounded once per line", async () => {
    const { org, cookie } = await owner();
    const meter = await makeMeter({ aggregation: "sum", property: "minutes", unit: "minute" });
    const plan = await makePlan({
      basePriceCents: 1000,
      charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.035" }],
    });
    await subscribeViaSandbox(org.id, cookie, plan.id);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    // 12.5 + 3 minutes inside the period: 15.5 × 0.035 = 0.5425 → 54 cents, rounded once.
    const inPeriod = new Date(Math.max(Date.now(), sub!.currentPeriodStart.getTime()));
    await ingestEvents(org.id, [
      { eventId: `m1-${org.id}`, eventName: meter.eventName, timestamp: inPeriod, properties: { minutes: "12.5" } },
      { eventId: `m2-${org.id}`, eventName: meter.eventName, timestamp: inPeriod, properties: { minutes: 3 } },
    ]);
    await rollOverSubscriptions(new Date(sub!.currentPeriodEnd.getTime() + 1000));
    const invs = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    expect(invs.map((i) => i.total_cents)).toEqual([1054, 1000]);
    const { getInvoice } = await import("@/lib/invoices/queries");
    const renewal = await getInvoice(org.id, invs[0]!.id);
    const usage = renewal.lines.find((l) => l.kind === "usage")!;
    expect(usage).toMatchObject({ meter: meter.code, quantity: "15.5", amountCents: 54 });
    expect(usage.periodEnd!.toISOString()).toBe(sub!.currentPeriodEnd.toISOString());
  });

  it("starts a trial without charging, and charges when the trial ends", async () => {
    const { org, cookie } = await owner();
    const plan = await makePlan({ basePriceCents: 9900, trialDays: 14 });
    await subscribeViaSandbox(org.id, cookie, plan.id);
    expect(
      (await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie })).json.status,
    ).toBe("trialing");
    expect(
      (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie })).json.data,
    ).toHaveLength(0);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    await rollOverSubscriptions(new Date(sub!.trialEnd!.getTime() + 1000));
    expect(
      (await call<Summary>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { cookie })).json.status,
    ).toBe("active");
    const invs = (await call<{ data: InvoiceOut[] }>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { cookie }))
      .json.data;
    expect(invs.map((i) => [i.total_cents, i.status])).toEqual([[9900, "paid"]]);
  });
});
