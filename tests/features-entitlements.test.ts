// Features (boolean, numeric, metered), plans granting them per version, the entitlement list and
// single checks for each kind, and the public plans feed.
import { describe, expect, it } from "vitest";
import * as entitlementList from "@/app/api/v1/entitlements/route";
import * as entitlementCheck from "@/app/api/v1/entitlements/[feature]/route";
import * as featureOne from "@/app/api/v1/features/[id]/route";
import * as featuresRoute from "@/app/api/v1/features/route";
import * as plansRoute from "@/app/api/v1/plans/route";
import * as planOne from "@/app/api/v1/plans/[id]/route";
import * as publicPlans from "@/app/api/v1/public/plans/route";
import { invalidateFeatures } from "@/lib/catalog/features";
import { call, customerKey, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter, subscribeTo } from "./support/metering";

type Json = Record<string, unknown>;
type Issue = { field: string; message: string };

async function makeFeature(key: string, kind: "boolean" | "numeric" | "metered", extra: Json = {}) {
  const res = await call<Json>(featuresRoute.POST, "POST", "/api/v1/features", {
    key: await platformKey(),
    body: { key, kind, name: `Feature ${key}`, ...extra },
  });
  expect(res.status).toBe(201);
  return res.json;
}

async function makePlanWith(body: Json) {
  const res = await call<Json>(plansRoute.POST, "POST", "/api/v1/plans", {
    key: await platformKey(),
    body: { code: `p-${uid()}`, name: "Featured", interval: "month", base_price: "10", ...body },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; code: string };
}

const fieldsOf = (json: Json) => ((json.error as { details?: Issue[] })?.details ?? []).map((d) => d.field);

describe("features catalog", () => {
  it("creates, lists, renames and archives a feature; the key and kind stay", async () => {
    const key = await platformKey();
    const k = `sso_${uid()}`;
    const f = await makeFeature(k, "boolean");
    expect(f).toMatchObject({ object: "feature", key: k, kind: "boolean", archived: false });
    const listed = await call<{ data: Json[] }>(featuresRoute.GET, "GET", "/api/v1/features", { key });
    expect(listed.json.data.map((x) => x.key)).toContain(k);

    const renamed = await call<Json>(featureOne.PATCH, "PATCH", `/api/v1/features/${k}`, {
      key,
      params: { id: k },
      body: { name: "Single sign-on" },
    });
    expect(renamed.json).toMatchObject({ key: k, name: "Single sign-on" });
    const kindChange = await call<Json>(featureOne.PATCH, "PATCH", `/api/v1/features/${k}`, {
      key,
      params: { id: k },
      body: { kind: "numeric" },
    });
    expect(kindChange.status).toBe(400);

    await call(featureOne.PATCH, "PATCH", `/api/v1/features/${k}`, {
      key,
      params: { id: k },
      body: { archived: true },
    });
    const active = await call<{ data: Json[] }>(featuresRoute.GET, "GET", "/api/v1/features", { key });
    expect(active.json.data.map((x) => x.key)).not.toContain(k);
    const all = await call<{ data: Json[] }>(featuresRoute.GET, "GET", "/api/v1/features?include_archived=true", {
      key,
    });
    expect(all.json.data.find((x) => x.key === k)).toMatchObject({ archived: true, name: "Single sign-on" });
  });

  it("refuses bad input with 4xx naming the field", async () => {
    const key = await platformKey();
    const post = (body: Json) => call<Json>(featuresRoute.POST, "POST", "/api/v1/features", { key, body });
    const badKey = await post({ key: "Has Spaces", kind: "boolean", name: "x" });
    expect(badKey.status).toBe(400);
    expect(fieldsOf(badKey.json)).toContain("key");
    const badKind = await post({ key: `k_${uid()}`, kind: "colour", name: "x" });
    expect(fieldsOf(badKind.json)).toContain("kind");
    const noName = await post({ key: `k_${uid()}`, kind: "numeric" });
    expect(fieldsOf(noName.json)).toContain("name");
    const unitOnBoolean = await post({ key: `k_${uid()}`, kind: "boolean", name: "x", unit: "seat" });
    expect(fieldsOf(unitOnBoolean.json)).toContain("unit");
    const meteredWithoutMeter = await post({ key: `nope_${uid()}`, kind: "metered", name: "x" });
    expect(meteredWithoutMeter.status).toBe(400);
    expect(fieldsOf(meteredWithoutMeter.json)).toContain("key");
    const k = `dup_${uid()}`;
    await makeFeature(k, "numeric", { unit: "seat" });
    const dup = await post({ key: k, kind: "numeric", name: "again" });
    expect(dup.status).toBe(409);
    expect(fieldsOf(dup.json)).toContain("key");
    const customer = await call<Json>(featuresRoute.POST, "POST", "/api/v1/features", {
      key: await customerKey((await makeOrg()).id),
      body: { key: `k_${uid()}`, kind: "boolean", name: "x" },
    });
    expect(customer.status).toBe(403);
  });

  it("plans grant features with values of their kind, and a new grant makes a new plan version", async () => {
    const key = await platformKey();
    const [sso, seats] = [`sso_${uid()}`, `seats_${uid()}`];
    await makeFeature(sso, "boolean");
    await makeFeature(seats, "numeric", { unit: "seat" });
    const bad = await call<Json>(plansRoute.POST, "POST", "/api/v1/plans", {
      key,
      body: {
        code: `p-${uid()}`,
        name: "Bad",
        interval: "month",
        features: [
          { feature: sso, value: 3 },
          { feature: seats, value: true },
          { feature: `ghost_${uid()}`, value: true },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.json)).toEqual(
      expect.arrayContaining(["features.0.value", "features.1.value", "features.2.feature"]),
    );

    const plan = await makePlanWith({ features: [{ feature: seats, value: 5 }] });
    const changed = await call<Json>(planOne.PATCH, "PATCH", `/api/v1/plans/${plan.id}`, {
      key,
      params: { id: plan.id },
      body: {
        features: [
          { feature: seats, value: 10 },
          { feature: sso, value: true },
        ],
      },
    });
    expect(changed.json).toMatchObject({ new_version: true, version: 2 });
    expect(changed.json.features).toEqual([
      { feature: seats, value: 10 },
      { feature: sso, value: true },
    ]);
  });
});

describe("entitlements", () => {
  async function world() {
    const [sso, seats, export_] = [`sso_${uid()}`, `seats_${uid()}`, `export_${uid()}`];
    await makeFeature(sso, "boolean");
    await makeFeature(seats, "numeric", { unit: "seat" });
    await makeFeature(export_, "boolean");
    const meter = await makeMeter();
    await makeFeature(meter.code, "metered");
    const plan = await makePlanWith({
      limits: [{ meter: meter.code, limit: 100, enforcement: "hard" }],
      features: [
        { feature: sso, value: true },
        { feature: seats, value: 5 },
        { feature: export_, value: false },
      ],
    });
    const org = await makeOrg();
    await subscribeTo(org.id, plan.id);
    invalidateFeatures();
    return { sso, seats, export_, meter, plan, org };
  }
  const check = (feature: string, customer: string | null, key: string, q = "") =>
    call<Json>(
      entitlementCheck.GET,
      "GET",
      `/api/v1/entitlements/${feature}?${customer ? `customer_id=${customer}` : ""}${q}`,
      { key, params: { feature } },
    );

  it("lists every feature of the subscription's plan version with its value and source", async () => {
    const w = await world();
    const res = await call<Json>(entitlementList.GET, "GET", `/api/v1/entitlements?customer_id=${w.org.id}`, {
      key: await platformKey(),
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ customer_id: w.org.id, plan: w.plan.code, access: "full" });
    const byKey = Object.fromEntries((res.json.data as Json[]).map((d) => [d.feature, d]));
    expect(byKey[w.sso]).toMatchObject({ kind: "boolean", value: true, source: "plan" });
    expect(byKey[w.seats]).toMatchObject({ kind: "numeric", value: 5, unit: "seat", source: "plan" });
    expect(byKey[w.export_]).toMatchObject({ kind: "boolean", value: false });
    expect(byKey[w.meter.code]).toMatchObject({ kind: "metered", value: 100, enforcement: "hard", source: "plan" });
  });

  it("answers the version the subscription is on, not the plan's newer version", async () => {
    const w = await world();
    const key = await platformKey();
    await call(planOne.PATCH, "PATCH", `/api/v1/plans/${w.plan.id}`, {
      key,
      params: { id: w.plan.id },
      body: { features: [{ feature: w.seats, value: 50 }] },
    });
    expect((await check(w.seats, w.org.id, key)).json).toMatchObject({ value: 5, allowed: true });
    expect((await check(w.sso, w.org.id, key)).json).toMatchObject({ value: true, allowed: true });
  });

  it("checks each kind: boolean on and off, numeric against a quantity, metered as before", async () => {
    const w = await world();
    const key = await platformKey();
    expect((await check(w.sso, w.org.id, key)).json).toMatchObject({
      feature: w.sso,
      kind: "boolean",
      allowed: true,
      value: true,
      reason: "granted",
      source: "plan",
      plan: w.plan.code,
    });
    expect((await check(w.export_, w.org.id, key)).json).toMatchObject({ allowed: false, reason: "not_granted" });
    expect((await check(w.seats, w.org.id, key, "&quantity=5")).json).toMatchObject({ allowed: true, value: 5 });
    expect((await check(w.seats, w.org.id, key, "&quantity=6")).json).toMatchObject({
      allowed: false,
      reason: "below_quantity",
      value: 5,
    });
    const metered = (await check(w.meter.code, w.org.id, key)).json;
    expect(metered).toMatchObject({ meter: w.meter.code, allowed: true, used: "0", limit: 100, remaining: "100" });
    expect(metered.resets_at).toEqual(expect.any(String));
    expect(metered).not.toHaveProperty("kind");
    // A feature the plan does not grant at all.
    const other = `other_${uid()}`;
    await makeFeature(other, "numeric");
    invalidateFeatures();
    expect((await check(other, w.org.id, key)).json).toMatchObject({ allowed: false, value: null, source: null });
    const unknown = await check(`unknown_${uid()}`, w.org.id, key);
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown.json)).toContain("feature");
  });

  it("a customer without a subscription has no features", async () => {
    const w = await world();
    const key = await platformKey();
    const lonely = await makeOrg();
    const list = await call<Json>(entitlementList.GET, "GET", `/api/v1/entitlements?customer_id=${lonely.id}`, { key });
    expect(list.json).toMatchObject({ plan: null, access: "none", data: [] });
    expect((await check(w.sso, lonely.id, key)).json).toMatchObject({ allowed: false, reason: "no_subscription" });
  });

  it("a customer's key reads its own entitlements and never another customer's", async () => {
    const w = await world();
    const other = await world();
    const own = await customerKey(w.org.id);
    const mine = await call<Json>(entitlementList.GET, "GET", "/api/v1/entitlements", { key: own });
    expect(mine.json).toMatchObject({ customer_id: w.org.id });
    const theirs = await call<Json>(entitlementList.GET, "GET", `/api/v1/entitlements?customer_id=${other.org.id}`, {
      key: own,
    });
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.json)).not.toContain(other.plan.code);
    expect((await check(other.sso, other.org.id, own)).status).toBe(404);
    expect((await check(w.sso, null, own)).json).toMatchObject({ customer_id: w.org.id, allowed: true });
    const operatorWithoutCustomer = await call<Json>(entitlementList.GET, "GET", "/api/v1/entitlements", {
      key: await platformKey(),
    });
    expect(operatorWithoutCustomer.status).toBe(400);
    expect(fieldsOf(operatorWithoutCustomer.json)).toContain("customer_id");
  });
});

describe("public plans feed", () => {
  it("shows only self-serve plans on sale, by code, with features compared, and is cacheable", async () => {
    const seats = `seats_${uid()}`;
    await makeFeature(seats, "numeric", { unit: "seat" });
    const onSale = await makePlanWith({ features: [{ feature: seats, value: 3 }] });
    const draft = await makePlanWith({ status: "draft" });
    const operatorOnly = await makePlanWith({ self_serve: false });
    const retired = await makePlanWith({});
    await call(planOne.PATCH, "PATCH", `/api/v1/plans/${retired.id}`, {
      key: await platformKey(),
      params: { id: retired.id },
      body: { status: "off_sale" },
    });
    invalidateFeatures();
    const res = await call<{ data: Json[]; features: Json[]; intervals: string[] }>(
      publicPlans.GET,
      "GET",
      "/api/v1/public/plans",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const codes = res.json.data.map((p) => p.code);
    expect(codes).toContain(onSale.code);
    for (const hidden of [draft, operatorOnly, retired]) expect(codes).not.toContain(hidden.code);
    const shown = res.json.data.find((p) => p.code === onSale.code)!;
    expect(shown).toMatchObject({ price: "10.00", interval: "month" });
    expect(shown).not.toHaveProperty("id");
    expect(JSON.stringify(res.json)).not.toContain(onSale.id);
    expect(res.json.features).toContainEqual({ key: seats, name: `Feature ${seats}`, kind: "numeric", unit: "seat" });
    expect(shown.features).toContainEqual({ feature: seats, value: 3 });
    expect(res.json.intervals).toContain("month");
  });
});

describe("public plans order", () => {
  it("orders tiers by their monthly price, each tier's yearly plan beside its monthly one", async () => {
    const [cheap, dear] = [`cheap-${uid()}`, `dear-${uid()}`];
    // Yearly plans at ten months' price: ordered plan by plan, both yearly plans came before both monthly ones.
    const made = {
      dearMonth: await makePlanWith({ tier: dear, base_price: "20" }),
      dearYear: await makePlanWith({ tier: dear, interval: "year", base_price: "200" }),
      cheapYear: await makePlanWith({ tier: cheap, interval: "year", base_price: "190" }),
      cheapMonth: await makePlanWith({ tier: cheap, base_price: "19" }),
    };
    const res = await call<{ data: { code: string }[] }>(publicPlans.GET, "GET", "/api/v1/public/plans");
    const mine = new Map(Object.entries(made).map(([name, p]) => [p.code, name]));
    expect(res.json.data.flatMap((p) => mine.get(p.code) ?? [])).toEqual([
      "cheapMonth",
      "cheapYear",
      "dearMonth",
      "dearYear",
    ]);
  });
});

describe("the current plan's summary on /billing", () => {
  it("lists the plan's features: boolean ones as Included, numeric ones with their value, none it does not grant", async () => {
    const [sso, seats, audit] = [`sso_${uid()}`, `seats_${uid()}`, `audit_${uid()}`];
    await makeFeature(sso, "boolean");
    await makeFeature(seats, "numeric", { unit: "seat" });
    await makeFeature(audit, "boolean");
    const plan = await makePlanWith({
      features: [
        { feature: sso, value: true },
        { feature: seats, value: 5 },
        { feature: audit, value: false },
      ],
    });
    invalidateFeatures();
    const org = await makeOrg();
    await subscribeTo(org.id, plan.id);
    const { billingPage } = await import("@/lib/payments/billing-page");
    const page = await billingPage(org.id);
    expect(page.planFeatures.map((f) => [f.name, f.value]).sort()).toEqual(
      [
        [`Feature ${seats}`, "5 seats"],
        [`Feature ${sso}`, "Included"],
      ].sort(),
    );
    // A customer without a subscription has no summary features.
    expect((await billingPage((await makeOrg()).id)).planFeatures).toEqual([]);
  });
});

describe("plan editor", () => {
  it("saves granted features with the plan, naming the row whose value does not fit its kind", async () => {
    const { savePlanFromEditor } = await import("@/lib/catalog/plan-editor-save");
    const seats = `seats_${uid()}`;
    await makeFeature(seats, "numeric", { unit: "seat" });
    const base = {
      code: `ed-${uid()}`,
      name: "Edited",
      description: "",
      self_serve: true,
      sort_order: 0,
      allow_overage: null,
      interval: "month" as const,
      currency: "usd",
      base_price: "5",
      trial_days: 0,
      included_credits: 0,
      limits: [],
      charges: [],
      billing_threshold: null,
    };
    const refused = savePlanFromEditor(
      { kind: "create", input: { ...base, features: [{ feature: seats, value: true }] } },
      "test",
    );
    await expect(refused).rejects.toMatchObject({ details: [expect.objectContaining({ field: "features.0.value" })] });
    const { plan } = await savePlanFromEditor(
      { kind: "create", input: { ...base, features: [{ feature: seats, value: 7 }] } },
      "test",
    );
    expect(plan.features).toEqual([{ feature: seats, value: 7 }]);
  });
});
