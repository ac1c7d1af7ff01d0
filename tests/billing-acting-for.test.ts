// Issue 16 item 5: a SaaS backend embeds Tally's billing, so every /api/v1/billing/* endpoint takes
// a platform key naming the customer (customer_id, or external_customer_id). A customer's own key or
// session keeps acting for itself only. (The authorization matrix sends each endpoint as every principal.)
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as history from "@/app/api/v1/billing/history/route";
import * as invoicesRoute from "@/app/api/v1/billing/invoices/route";
import * as paymentMethods from "@/app/api/v1/billing/payment-methods/route";
import * as portal from "@/app/api/v1/billing/portal/route";
import * as subscriptionRoute from "@/app/api/v1/billing/subscription/route";
import * as cancel from "@/app/api/v1/billing/subscription/cancel/route";
import * as changePlan from "@/app/api/v1/billing/subscription/change-plan/route";
import * as resume from "@/app/api/v1/billing/subscription/resume/route";
import * as upcomingRoute from "@/app/api/v1/billing/upcoming-invoice/route";
import { db } from "@/lib/db/client";
import { checkoutSessions, subscriptions } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { call, customerKey, makeMeter, makeOrg, makePlan, platformKey } from "./support/fixtures";

const withQuery = (path: string, q: Record<string, string>) => `${path}?${new URLSearchParams(q)}`;

type Summary = { status: string; plan: { id: string } | null; cancel_at_period_end: boolean };
type Refusal = { error: { code: string; message: string; details?: { field: string }[] } };

describe("a platform key acts for the customer it names on /api/v1/billing/*", () => {
  it("checks out, changes plan, reads the upcoming invoice, cancels and resumes for a given customer", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "sum", property: "minutes", unit: "minute" });
    const charges = [{ type: "usage" as const, meter: meter.code, model: "per_unit" as const, unit_price: "0.10" }];
    const basic = await makePlan({ basePriceCents: 1000, charges });
    const pro = await makePlan({ basePriceCents: 3000, charges });

    const co = await call<{ id: string; url: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      key,
      body: { customer_id: org.id, plan_id: basic.id },
    });
    expect(co.status).toBe(201);
    const [session] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, co.json.id));
    expect(session!.orgId).toBe(org.id);
    await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test");

    // By the platform's own id for the customer, too.
    const sub = await call<Summary>(
      subscriptionRoute.GET,
      "GET",
      withQuery("/api/v1/billing/subscription", { external_customer_id: org.externalId! }),
      { key },
    );
    expect([sub.status, sub.json.status, sub.json.plan?.id]).toEqual([200, "active", basic.id]);

    const up = await call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      key,
      body: { customer_id: org.id, plan_id: pro.id },
    });
    expect([up.status, up.json.applied]).toEqual([200, true]);
    const [row] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(row!.planId).toBe(pro.id);

    await ingestEvents(org.id, [
      {
        eventId: `ev-${org.id}`,
        eventName: meter.eventName,
        timestamp: new Date(Math.max(Date.now(), row!.currentPeriodStart.getTime())),
        properties: { minutes: 25 },
      },
    ]);
    const upcoming = await call<UpcomingInvoiceJson>(
      upcomingRoute.GET,
      "GET",
      withQuery("/api/v1/billing/upcoming-invoice", { customer_id: org.id }),
      { key },
    );
    expect(upcoming.status).toBe(200);
    expect(upcoming.json.customer_id).toBe(org.id);
    // 25 minutes × 0.10 on the plan in force.
    expect(upcoming.json.lines.filter((l) => l.meter === meter.code).map((l) => l.amount_cents)).toEqual([250]);

    for (const [route, path] of [
      [invoicesRoute.GET, "/api/v1/billing/invoices"],
      [history.GET, "/api/v1/billing/history"],
      [paymentMethods.GET, "/api/v1/billing/payment-methods"],
    ] as const) {
      const r = await call<{ data: unknown[] }>(route, "GET", withQuery(path, { customer_id: org.id }), { key });
      expect([path, r.status, r.json.data.length > 0]).toEqual([path, 200, true]);
    }
    const p = await call<{ url: string }>(portal.POST, "POST", "/api/v1/billing/portal", {
      key,
      body: { customer_id: org.id },
    });
    expect([p.status, typeof p.json.url]).toEqual([200, "string"]);

    const x = await call<Summary>(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", {
      key,
      body: { customer_id: org.id },
    });
    expect([x.status, x.json.cancel_at_period_end]).toEqual([200, true]);
    const r = await call<Summary>(resume.POST, "POST", "/api/v1/billing/subscription/resume", {
      key,
      body: { customer_id: org.id },
    });
    expect([r.status, r.json.cancel_at_period_end]).toEqual([200, false]);
  });

  it("refuses a platform key that names no customer with a 400 naming customer_id, and changes nothing", async () => {
    const key = await platformKey();
    const sends = [
      () => call<Refusal>(checkout.POST, "POST", "/api/v1/billing/checkout", { key, body: { plan_id: "x" } }),
      () => call<Refusal>(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { key, body: {} }),
      () =>
        call<Refusal>(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
          key,
          body: { plan_id: "x" },
        }),
      () => call<Refusal>(resume.POST, "POST", "/api/v1/billing/subscription/resume", { key }),
      () => call<Refusal>(portal.POST, "POST", "/api/v1/billing/portal", { key }),
      () => call<Refusal>(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", { key }),
      () => call<Refusal>(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { key }),
      () => call<Refusal>(invoicesRoute.GET, "GET", "/api/v1/billing/invoices", { key }),
      () => call<Refusal>(history.GET, "GET", "/api/v1/billing/history", { key }),
      () => call<Refusal>(paymentMethods.GET, "GET", "/api/v1/billing/payment-methods", { key }),
    ];
    for (const send of sends) {
      const res = await send();
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/^customer_id: /);
      expect(res.json.error.details).toEqual([expect.objectContaining({ field: "customer_id" })]);
    }
    // A customer that does not exist is a 404, not someone else's.
    const missing = await call<Refusal>(
      upcomingRoute.GET,
      "GET",
      withQuery("/api/v1/billing/upcoming-invoice", { customer_id: "org_does_not_exist" }),
      { key },
    );
    expect(missing.status).toBe(404);
  });

  it("keeps a customer's key to its own customer: naming another is a 403 and changes nothing", async () => {
    const [mine, theirs] = [await makeOrg(), await makeOrg()];
    const plan = await makePlan({ basePriceCents: 0 });
    const key = await customerKey(mine.id);
    const { subscribe } = await import("@/lib/subscriptions/subscribe");
    await subscribe(theirs.id, { plan: { id: plan.id }, actor: "test", skipTrial: true });
    const x = await call(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", {
      key,
      body: { customer_id: theirs.id },
    });
    expect(x.status).toBe(403);
    const [row] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, theirs.id));
    expect(row!.cancelAtPeriodEnd).toBe(false);
    const read = await call(
      upcomingRoute.GET,
      "GET",
      withQuery("/api/v1/billing/upcoming-invoice", { external_customer_id: theirs.externalId! }),
      { key },
    );
    expect(read.status).toBe(403);
    // Its own id is fine; so is naming none.
    const own = await call(
      subscriptionRoute.GET,
      "GET",
      withQuery("/api/v1/billing/subscription", { customer_id: mine.id }),
      { key },
    );
    expect(own.status).not.toBe(403);
  });
});
