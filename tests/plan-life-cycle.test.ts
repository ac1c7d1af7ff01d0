// Plans have a life cycle (draft → on sale → off sale → back on sale) and versions: a new plan made
// in the editor is offered to no one until it is put on sale, API clients keep their default (on
// sale), editing terms makes the next version, and an operator moves the subscribers of older
// versions at their period end after a preview.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as plansRoute from "@/app/api/v1/plans/route";
import * as planRoute from "@/app/api/v1/plans/[id]/route";
import * as archiveRoute from "@/app/api/v1/plans/[id]/archive/route";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import { planBillingThreshold } from "@/lib/catalog/plan-billing-threshold";
import { savePlanFromEditor } from "@/lib/catalog/plan-editor-save";
import { createPlan, setPlanStatus, updatePlan } from "@/lib/catalog/plans";
import { db } from "@/lib/db/client";
import { plans, subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { billingPage } from "@/lib/payments/billing-page";
import { moveSubscribersToVersion, previewVersionMove } from "@/lib/payments/plan-version-move";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

type PlanOut = { id: string; code: string; version: number; active: boolean; status: string };
type ErrorBody = { error: { code: string; details?: { field: string; message: string }[] } };

const newPlan = (over: Partial<Parameters<typeof createPlan>[0]> = {}) =>
  createPlan({
    code: `lc-${uid()}`,
    name: `Life cycle ${uid()}`,
    description: "",
    self_serve: true,
    sort_order: 0,
    interval: "month",
    currency: "usd",
    base_price: "29.00",
    trial_days: 0,
    included_credits: 0,
    limits: [],
    charges: [],
    ...over,
  });

describe("a plan's life cycle", () => {
  it("keeps the API's default: a plan created without a status is on sale; with status draft it is offered to no one", async () => {
    const key = await platformKey();
    const plain = await call<PlanOut>(plansRoute.POST, "POST", "/api/v1/plans", {
      key,
      body: { code: `api-${uid()}`, name: "API plan", interval: "month", base_price: "10.00" },
    });
    expect(plain.status).toBe(201);
    expect(plain.json).toMatchObject({ active: true, status: "on_sale" });

    const draft = await call<PlanOut>(plansRoute.POST, "POST", "/api/v1/plans", {
      key,
      body: { code: `api-${uid()}`, name: "API draft", interval: "month", base_price: "10.00", status: "draft" },
    });
    expect(draft.json).toMatchObject({ active: false, status: "draft" });
    const list = await call<{ data: PlanOut[] }>(plansRoute.GET, "GET", "/api/v1/plans", { key });
    expect(list.json.data.map((p) => p.id)).toContain(plain.json.id);
    expect(list.json.data.map((p) => p.id)).not.toContain(draft.json.id);

    const both = await call<ErrorBody>(plansRoute.POST, "POST", "/api/v1/plans", {
      key,
      body: { code: `api-${uid()}`, name: "x", interval: "month", status: "draft", active: true },
    });
    expect(both.status).toBe(400);
    expect(both.json.error.details).toEqual([expect.objectContaining({ field: "status" })]);
  });

  it("goes draft → on sale → off sale → back on sale; a customer can buy it only while it is on sale", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const cookie = await sessionCookie((await makeUser("owner", org.id)).id);
    const plan = await newPlan({ status: "draft" });
    const buy = () =>
      call<ErrorBody>(checkout.POST, "POST", "/api/v1/billing/checkout", { cookie, body: { plan_id: plan.id } });
    const patch = (body: Record<string, unknown>) =>
      call<PlanOut & ErrorBody>(planRoute.PATCH, "PATCH", `/api/v1/plans/${plan.id}`, {
        key,
        body,
        params: { id: plan.id },
      });
    const picker = async () => (await billingPage(org.id)).tiers.map((t) => t.tier);

    expect((await buy()).status).toBe(400);
    expect(await picker()).not.toContain(plan.tier);
    expect((await patch({ status: "off_sale" })).status).toBe(400); // a draft was never on sale

    expect((await patch({ status: "on_sale" })).json).toMatchObject({ status: "on_sale", active: true, version: 1 });
    expect(await picker()).toContain(plan.tier);

    const off = await setPlanStatus(plan.id, "off_sale");
    expect(off).toMatchObject({ active: false });
    expect(off.archivedAt).not.toBeNull();
    expect(await picker()).not.toContain(plan.tier);
    expect((await buy()).status).toBe(400);
    const backToDraft = await patch({ status: "draft" });
    expect(backToDraft.status).toBe(400);
    expect(backToDraft.json.error.details).toEqual([expect.objectContaining({ field: "status" })]);

    const back = await setPlanStatus(plan.id, "on_sale");
    expect(back).toMatchObject({ id: plan.id, active: true, archivedAt: null });
    expect(await picker()).toContain(plan.tier);
    expect((await buy()).status).toBe(201);
  });

  it("orders the customer's plan picker by price and leaves out drafts and plans that are not self-serve", async () => {
    const org = await makeOrg();
    const dear = await newPlan({ base_price: "90.00", sort_order: -5 });
    const cheap = await newPlan({ base_price: "5.00", sort_order: 5 });
    const draft = await newPlan({ base_price: "1.00", status: "draft" });
    const contract = await newPlan({ base_price: "2.00", self_serve: false });
    const tiers = (await billingPage(org.id)).tiers.map((t) => t.tier);
    expect(tiers.indexOf(cheap.tier)).toBeGreaterThanOrEqual(0);
    expect(tiers.indexOf(cheap.tier)).toBeLessThan(tiers.indexOf(dear.tier));
    expect(tiers).not.toContain(draft.tier);
    expect(tiers).not.toContain(contract.tier);
    const prices = (await billingPage(org.id)).tiers.map((t) => t.month?.priceCents ?? 0);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it("changes a draft's terms in place, and makes the next version of a plan that has been on sale", async () => {
    const draft = await newPlan({ status: "draft" });
    const edited = await updatePlan(draft.id, { base_price: "31.00" });
    expect(edited).toMatchObject({ newVersion: false, plan: { id: draft.id, version: 1, basePriceCents: 3100 } });

    const onSale = await newPlan();
    const next = await updatePlan(onSale.id, { base_price: "39.00" });
    expect(next).toMatchObject({ newVersion: true, plan: { version: 2, basePriceCents: 3900, active: true } });
    expect(next.plan.publishedAt).not.toBeNull();
  });
});

describe("moving subscribers to a plan's newest version", () => {
  it("previews who moves and their new price, moves them at their period end, and leaves out who cancels", async () => {
    const v1 = await newPlan({ base_price: "29.00" });
    const [stay, move, canceling] = [await makeOrg("Stays Co"), await makeOrg("Moves Co"), await makeOrg("Leaves Co")];
    const start = new Date("2026-03-01T00:00:00Z");
    for (const o of [move, canceling]) await subscribe(o.id, { plan: { id: v1.id }, actor: "test", now: start });
    await db.update(subscriptions).set({ cancelAtPeriodEnd: true }).where(eq(subscriptions.orgId, canceling.id));
    // Editing the terms (in the editor: name and price) makes version 2; the threshold goes along.
    const first = await savePlanFromEditor(
      {
        kind: "edit",
        input: {
          id: v1.id,
          name: v1.name,
          description: "",
          self_serve: true,
          interval: "month",
          currency: "usd",
          base_price: "29.00",
          trial_days: 0,
          included_credits: 0,
          limits: [],
          charges: [],
          billing_threshold: "500.00",
        },
      },
      "test",
    );
    expect(first.newVersion).toBe(false);
    const v2 = (await updatePlan(v1.id, { base_price: "35.00", included_credits: 100 })).plan;
    expect(v2.version).toBe(2);
    expect(await planBillingThreshold(v2.id)).toBe(50_000);
    // A customer who subscribes now gets version 2; subscribers of version 1 keep it.
    await subscribe(stay.id, { plan: { id: v2.id }, actor: "test", now: start });
    const subs = await db.select().from(subscriptions);
    expect(
      subs
        .filter((s) => s.planId === v1.id)
        .map((s) => s.orgId)
        .sort(),
    ).toEqual([canceling.id, move.id].sort());

    const preview = await previewVersionMove(v2.id);
    expect(preview.moves).toEqual([
      expect.objectContaining({
        customer: "Moves Co",
        from_version: 1,
        from_price_cents: 2900,
        to_price_cents: 3500,
        change_cents: 600,
        other_terms_change: true,
        effective_at: "2026-04-01T00:00:00.000Z",
      }),
    ]);
    expect(preview.skipped).toEqual([
      expect.objectContaining({ customer: "Leaves Co", skipped: "cancels at the end of the period" }),
    ]);

    const ids = [...preview.moves, ...preview.skipped].map((r) => r.subscription_id);
    const r = await moveSubscribersToVersion(v2.id, ids, "user:admin", new Date("2026-03-10T00:00:00Z"));
    expect(r).toEqual({ moved: 1, skipped: 1, version: 2 });
    const [moved] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, move.id));
    expect(moved).toMatchObject({ planId: v1.id, pendingPlanId: v2.id });
    // Moving again changes nothing: the preview says they already move.
    expect((await previewVersionMove(v2.id)).moves).toEqual([]);
    expect(await moveSubscribersToVersion(v2.id, ids, "user:admin")).toMatchObject({ moved: 0 });

    await rollOverSubscriptions(new Date("2026-04-01T00:00:01Z"));
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, move.id));
    expect(after).toMatchObject({ planId: v2.id, pendingPlanId: null, status: "active" });
    const history = await db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.subscriptionId, after!.id));
    expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(["plan_change_scheduled", "plan_changed"]));
    expect(history.find((h) => h.action === "plan_changed")).toMatchObject({ fromPlanId: v1.id, basePriceCents: 3500 });
    const [ended] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, canceling.id));
    expect(ended).toMatchObject({ planId: v1.id, status: "canceled" });
  });

  it("refuses to move subscribers to a version that is no longer the newest", async () => {
    const v1 = await newPlan();
    const v2 = (await updatePlan(v1.id, { base_price: "30.00" })).plan;
    await updatePlan(v2.id, { base_price: "31.00" });
    await expect(previewVersionMove(v2.id)).rejects.toMatchObject({ code: "conflict" });
    await expect(moveSubscribersToVersion(v2.id, ["sub_x"], "test")).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("archiving a plan", () => {
  const archive = async (id: string) =>
    call<PlanOut & ErrorBody & { error: { message: string } }>(
      archiveRoute.POST,
      "POST",
      `/api/v1/plans/${id}/archive`,
      {
        key: await platformKey(),
        params: { id },
      },
    );

  it("refuses a draft (never on sale) with a 409 that says what to do, and leaves it a draft", async () => {
    const draft = await newPlan({ status: "draft" });
    const r = await archive(draft.id);
    expect(r.status).toBe(409);
    expect(r.json.error.message).toMatch(/draft.*put it on sale/i);
    const [after] = await db.select().from(plans).where(eq(plans.id, draft.id));
    expect(after).toMatchObject({ active: false, publishedAt: null, archivedAt: null });
  });

  it("takes a plan on sale off sale: off sale, never back to a draft, even one on sale before its first sale was recorded", async () => {
    const onSale = await newPlan();
    const r = await archive(onSale.id);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "off_sale", active: false });
    // Archived again: still off sale.
    expect((await archive(onSale.id)).json).toMatchObject({ status: "off_sale" });

    const legacy = await newPlan();
    await db.update(plans).set({ publishedAt: null }).where(eq(plans.id, legacy.id));
    expect((await archive(legacy.id)).json).toMatchObject({ status: "off_sale" });
  });
});
