import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as subs from "@/app/api/v1/subscriptions/route";
import * as sub from "@/app/api/v1/subscriptions/[id]/route";
import { db } from "@/lib/db/client";
import { subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeOrg, makePlan, platformKey, uid } from "./support/fixtures";

type SubOut = {
  id: string;
  status: string;
  current_period_start: string;
  current_period_end: string;
  trial_end: string | null;
  external_id: string | null;
  plan: { code: string };
};

const history = (subscriptionId: string) =>
  db
    .select()
    .from(subscriptionHistory)
    .where(eq(subscriptionHistory.subscriptionId, subscriptionId))
    .orderBy(asc(subscriptionHistory.occurredAt), asc(subscriptionHistory.recordedAt));

describe("subscriptions", () => {
  it("subscribes a customer over the API by external ids and finds the subscription by its external id", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const plan = await makePlan();
    const ext = `sub-${uid()}`;
    const res = await call<SubOut>(subs.POST, "POST", "/api/v1/subscriptions", {
      key,
      body: { external_customer_id: org.externalId, plan: plan.code, external_id: ext },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: "active", external_id: ext, plan: { code: plan.code } });
    const found = await call<SubOut>(sub.GET, "GET", `/api/v1/subscriptions/${ext}`, { key, params: { id: ext } });
    expect(found.json.id).toBe(res.json.id);
    const h = await history(res.json.id);
    expect(h.map((r) => r.action)).toEqual(["created"]);
    expect(h[0]).toMatchObject({ status: "active", planId: plan.id, basePriceCents: 2900 });
  });

  it("starts a trial when the plan has one, and refuses a second current subscription with 409", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const plan = await makePlan({ trialDays: 14 });
    const res = await call<SubOut>(subs.POST, "POST", "/api/v1/subscriptions", {
      key,
      body: { customer_id: org.id, plan: plan.id },
    });
    expect(res.json.status).toBe("trialing");
    expect(new Date(res.json.trial_end!).getTime() - new Date(res.json.current_period_start).getTime()).toBe(
      14 * 86_400_000,
    );
    const again = await call(subs.POST, "POST", "/api/v1/subscriptions", {
      key,
      body: { customer_id: org.id, plan: plan.id },
    });
    expect(again.status).toBe(409);
  });

  it("hides another customer's subscription (404) and refuses customer keys creating subscriptions (403)", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const s = await subscribe(b.id, { plan: { id: (await makePlan()).id }, actor: "test" });
    const key = await customerKey(a.id);
    expect((await call(sub.GET, "GET", `/api/v1/subscriptions/${s.id}`, { key, params: { id: s.id } })).status).toBe(
      404,
    );
    expect(
      (await call(subs.POST, "POST", "/api/v1/subscriptions", { key, body: { customer_id: a.id, plan: "x" } })).status,
    ).toBe(403);
  });

  it("rolls monthly periods forward from the anchor without drifting off the 31st, one history row each", async () => {
    const org = await makeOrg();
    const plan = await makePlan();
    const s = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", now: new Date("2026-01-31T10:00:00Z") });
    expect(s.currentPeriodEnd.toISOString()).toBe("2026-02-28T10:00:00.000Z");
    await rollOverSubscriptions(new Date("2026-04-15T00:00:00Z"));
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, s.id));
    expect(after!.currentPeriodStart.toISOString()).toBe("2026-03-31T10:00:00.000Z");
    expect(after!.currentPeriodEnd.toISOString()).toBe("2026-04-30T10:00:00.000Z");
    expect((await history(s.id)).map((r) => r.action)).toEqual(["created", "renewed", "renewed"]);
    // Running again changes nothing.
    await rollOverSubscriptions(new Date("2026-04-15T00:00:00Z"));
    expect(await history(s.id)).toHaveLength(3);
  });

  it("activates a trial at its end, then ends a subscription set to cancel at period end", async () => {
    const org = await makeOrg();
    const plan = await makePlan({ trialDays: 7 });
    const s = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", now: new Date("2026-03-01T00:00:00Z") });
    await rollOverSubscriptions(new Date("2026-03-09T00:00:00Z"));
    const [active] = await db.select().from(subscriptions).where(eq(subscriptions.id, s.id));
    expect(active).toMatchObject({ status: "active" });
    expect(active!.currentPeriodStart.toISOString()).toBe("2026-03-08T00:00:00.000Z");
    expect(active!.currentPeriodEnd.toISOString()).toBe("2026-04-08T00:00:00.000Z");
    await db.update(subscriptions).set({ cancelAtPeriodEnd: true }).where(eq(subscriptions.id, s.id));
    await rollOverSubscriptions(new Date("2026-05-01T00:00:00Z"));
    const [ended] = await db.select().from(subscriptions).where(eq(subscriptions.id, s.id));
    expect(ended).toMatchObject({ status: "canceled" });
    expect(ended!.endedAt!.toISOString()).toBe("2026-04-08T00:00:00.000Z");
    expect((await history(s.id)).map((r) => r.action)).toEqual(["trial_started", "activated", "canceled"]);
  });

  it("applies a scheduled downgrade at the period end", async () => {
    const org = await makeOrg();
    const pro = await makePlan({ basePriceCents: 9900 });
    const starter = await makePlan({ basePriceCents: 2900 });
    const s = await subscribe(org.id, { plan: { id: pro.id }, actor: "test", now: new Date("2026-01-10T00:00:00Z") });
    await db.update(subscriptions).set({ pendingPlanId: starter.id }).where(eq(subscriptions.id, s.id));
    await rollOverSubscriptions(new Date("2026-02-11T00:00:00Z"));
    const h = await history(s.id);
    expect(h.at(-1)).toMatchObject({
      action: "plan_changed",
      fromPlanId: pro.id,
      planId: starter.id,
      basePriceCents: 2900,
    });
  });

  it("never advances one subscription twice when two runners race (Postgres row locks)", async () => {
    const org = await makeOrg();
    const s = await subscribe(org.id, {
      plan: { id: (await makePlan()).id },
      actor: "test",
      now: new Date("2026-01-01T00:00:00Z"),
    });
    await Promise.all([
      rollOverSubscriptions(new Date("2026-03-15T00:00:00Z")),
      rollOverSubscriptions(new Date("2026-03-15T00:00:00Z")),
    ]);
    expect((await history(s.id)).map((r) => r.action)).toEqual(["created", "renewed", "renewed"]);
  });
});
