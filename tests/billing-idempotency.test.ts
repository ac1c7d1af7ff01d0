// Idempotency-Key on the billing writes that had none: checkout, change-plan, cancel, resume,
// POST /subscriptions and POST /customers. A retried request answers the first answer and acts once.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as cancel from "@/app/api/v1/billing/subscription/cancel/route";
import * as changePlan from "@/app/api/v1/billing/subscription/change-plan/route";
import * as resume from "@/app/api/v1/billing/subscription/resume/route";
import * as customers from "@/app/api/v1/customers/route";
import * as subscriptionsRoute from "@/app/api/v1/subscriptions/route";
import { db } from "@/lib/db/client";
import { checkoutSessions, organizations, subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, makeOrg, makePlan, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

const withKey = (key: string) => ({ "idempotency-key": key });

describe("Idempotency-Key on billing writes", () => {
  it("POST /customers with the same key makes one customer and replays it; another body is a conflict", async () => {
    const key = await platformKey();
    const k = `cust-${uid()}`;
    const body = { name: `Acme ${k}`, external_id: k };
    const a = await call<{ id: string }>(customers.POST, "POST", "/api/v1/customers", {
      key,
      body,
      headers: withKey(k),
    });
    const b = await call<{ id: string }>(customers.POST, "POST", "/api/v1/customers", {
      key,
      body,
      headers: withKey(k),
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json.id).toBe(a.json.id);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(await db.select().from(organizations).where(eq(organizations.externalId, k))).toHaveLength(1);
    const other = await call(customers.POST, "POST", "/api/v1/customers", {
      key,
      body: { ...body, name: "Other" },
      headers: withKey(k),
    });
    expect(other.status).toBe(409);
  });

  it("POST /subscriptions with the same key subscribes once and replays the subscription", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const plan = await makePlan({ basePriceCents: 0 });
    const k = `sub-${uid()}`;
    const body = { customer_id: org.id, plan: plan.id };
    const a = await call<{ id: string }>(subscriptionsRoute.POST, "POST", "/api/v1/subscriptions", {
      key,
      body,
      headers: withKey(k),
    });
    const b = await call<{ id: string }>(subscriptionsRoute.POST, "POST", "/api/v1/subscriptions", {
      key,
      body,
      headers: withKey(k),
    });
    expect([a.status, b.status, b.json.id]).toEqual([201, 201, a.json.id]);
    // Without the key the retry is refused: the customer is subscribed already.
    expect((await call(subscriptionsRoute.POST, "POST", "/api/v1/subscriptions", { key, body })).status).toBe(409);
  });

  it("checkout, change-plan, cancel and resume replay their first answer and act once; a failure frees the key", async () => {
    const org = await makeOrg();
    const cookie = await sessionCookie((await makeUser("owner", org.id)).id);
    const [from, to] = [await makePlan({ basePriceCents: 0 }), await makePlan({ basePriceCents: 0 })];

    // Cancelling before there is a subscription fails (404) and does not keep the key.
    const ck = `cancel-${uid()}`;
    expect(
      (await call(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { cookie, headers: withKey(ck) })).status,
    ).toBe(404);

    const co = `co-${uid()}`;
    const c1 = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: from.id },
      headers: withKey(co),
    });
    const c2 = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: from.id },
      headers: withKey(co),
    });
    expect(c1.status).toBe(201);
    expect(c2.json.id).toBe(c1.json.id);
    expect(await db.select().from(checkoutSessions).where(eq(checkoutSessions.orgId, org.id))).toHaveLength(1);

    const sub = await subscribe(org.id, { plan: { id: from.id }, actor: "test", skipTrial: true });
    const cp = `cp-${uid()}`;
    const p1 = await call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: to.id },
      headers: withKey(cp),
    });
    const p2 = await call(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
      cookie,
      body: { plan_id: to.id },
      headers: withKey(cp),
    });
    expect([p1.status, p2.status]).toEqual([200, 200]);
    expect(p2.json).toEqual(p1.json);
    const actions = async () =>
      (await db.select().from(subscriptionHistory).where(eq(subscriptionHistory.subscriptionId, sub.id))).map(
        (h) => h.action,
      );
    const afterChange = await actions();
    expect(afterChange.filter((a) => a === "plan_changed" || a === "plan_change_scheduled")).toHaveLength(1);

    const x1 = await call(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { cookie, headers: withKey(ck) });
    expect(x1.status).toBe(200);
    expect(
      (
        await call(cancel.POST, "POST", "/api/v1/billing/subscription/cancel", { cookie, headers: withKey(ck) })
      ).headers.get("idempotent-replayed"),
    ).toBe("true");
    const rk = `resume-${uid()}`;
    await call(resume.POST, "POST", "/api/v1/billing/subscription/resume", { cookie, headers: withKey(rk) });
    await call(resume.POST, "POST", "/api/v1/billing/subscription/resume", { cookie, headers: withKey(rk) });
    expect((await actions()).filter((a) => a === "cancel_scheduled" || a === "cancel_unscheduled")).toEqual([
      "cancel_scheduled",
      "cancel_unscheduled",
    ]);
    expect((await db.select().from(subscriptions).where(eq(subscriptions.id, sub.id)))[0]!.cancelAtPeriodEnd).toBe(
      false,
    );
  });
});
