// A plan with self_serve: false is sold by the operator only: a customer's checkout and plan change
// are refused naming the plan; an operator still subscribes a customer to it.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as changePlan from "@/app/api/v1/billing/subscription/change-plan/route";
import * as subscriptionsRoute from "@/app/api/v1/subscriptions/route";
import { db } from "@/lib/db/client";
import { plans, subscriptions } from "@/lib/db/schema";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { call, customerKey, makeOrg, makePlan, makeUser, platformKey, sessionCookie } from "./support/fixtures";

type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

async function contractPlan() {
  const plan = await makePlan({ basePriceCents: 99900 });
  const [p] = await db
    .update(plans)
    .set({ selfServe: false, name: "Enterprise contract" })
    .where(eq(plans.id, plan.id))
    .returning();
  return p!;
}

async function owner() {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  return { org, cookie: await sessionCookie(user.id) };
}

describe("plans that are not self-serve", () => {
  it("refuses a customer's checkout for it (403 naming the plan), by session or key, and creates nothing", async () => {
    const plan = await contractPlan();
    const { org, cookie } = await owner();
    for (const auth of [{ cookie }, { key: await customerKey(org.id) }]) {
      const r = await call<ErrorBody>(checkout.POST, "POST", "/api/v1/billing/checkout", {
        ...auth,
        body: { plan_id: plan.id },
      });
      expect(r.status).toBe(403);
      expect(r.json.error.message).toContain("Enterprise contract");
      expect(r.json.error.details).toEqual([expect.objectContaining({ field: "plan_id" })]);
    }
    expect(await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id))).toEqual([]);
  });

  it("refuses a customer's plan change (and its preview) to it, leaving the subscription as it was", async () => {
    const plan = await contractPlan();
    const starter = await makePlan({ basePriceCents: 2900 });
    const { org, cookie } = await owner();
    const co = await call<{ id: string }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { plan_id: starter.id },
    });
    expect(await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test")).toMatchObject({
      ok: true,
    });
    for (const preview of [true, false]) {
      const r = await call<ErrorBody>(changePlan.POST, "POST", "/api/v1/billing/subscription/change-plan", {
        cookie,
        body: { plan_id: plan.id, preview },
      });
      expect(r.status).toBe(403);
      expect(r.json.error.message).toContain(plan.code);
    }
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(sub).toMatchObject({ planId: starter.id, pendingPlanId: null });
  });

  it("lets an operator put a customer on it", async () => {
    const plan = await contractPlan();
    const org = await makeOrg();
    const r = await call<{ plan: { id: string }; status: string }>(
      subscriptionsRoute.POST,
      "POST",
      "/api/v1/subscriptions",
      { key: await platformKey(), body: { customer_id: org.id, plan: plan.id } },
    );
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: "active" });
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(sub!.planId).toBe(plan.id);
  });
});
