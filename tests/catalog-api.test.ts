import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as meters from "@/app/api/v1/meters/route";
import * as meter from "@/app/api/v1/meters/[id]/route";
import * as plans from "@/app/api/v1/plans/route";
import * as plan from "@/app/api/v1/plans/[id]/route";
import * as archive from "@/app/api/v1/plans/[id]/archive/route";
import * as creditEvents from "@/app/api/v1/credit-events/route";
import * as creditProducts from "@/app/api/v1/credit-products/route";
import * as modelPrices from "@/app/api/v1/model-prices/route";
import { db } from "@/lib/db/client";
import { plans as plansTable } from "@/lib/db/schema";
import { call, customerKey, makeMeter, makeOrg, platformKey, uid } from "./support/fixtures";

type Err = { error: { code: string; message: string; details: { field: string; message: string }[] } };
type PlanOut = {
  id: string;
  code: string;
  version: number;
  base_price: string;
  base_price_cents: number;
  charges: unknown[];
  new_version?: boolean;
  active: boolean;
  name: string;
};

async function planBody(overrides: Record<string, unknown> = {}) {
  const minutes = await makeMeter({ code: `voice_minutes_${uid()}` });
  const calls = await makeMeter({ code: `api_calls_${uid()}`, aggregation: "count" });
  return {
    code: `voice-pro-${uid()}`,
    name: "Voice Pro",
    interval: "month",
    currency: "usd",
    base_price: "49.00",
    trial_days: 14,
    included_credits: 1000,
    limits: [{ meter: calls.code, limit: 10000, enforcement: "hard" }],
    charges: [
      { type: "usage", meter: minutes.code, model: "per_unit", unit_price: "0.05" },
      {
        type: "usage",
        meter: calls.code,
        model: "graduated",
        tiers: [
          { up_to: 1000, unit_price: "0" },
          { up_to: null, unit_price: "0.01" },
        ],
      },
      { type: "fixed", name: "Monthly fee", amount: "10.00" },
    ],
    ...overrides,
  };
}

describe("catalog API", () => {
  it("creates a plan with its charges and lists it for sale", async () => {
    const key = await platformKey();
    const body = await planBody();
    const res = await call<PlanOut>(plans.POST, "POST", "/api/v1/plans", { key, body });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ code: body.code, version: 1, base_price: "49.00", base_price_cents: 4900 });
    expect(res.json.charges).toHaveLength(3);
    const list = await call<{ data: PlanOut[] }>(plans.GET, "GET", "/api/v1/plans", { key });
    expect(list.json.data.map((p) => p.code)).toContain(body.code);
  });

  it.each([
    [
      "a negative rate",
      (b: Awaited<ReturnType<typeof planBody>>) => ({
        ...b,
        charges: [{ ...(b.charges[0] as object), unit_price: "-0.05" }],
      }),
      "charges.0.unit_price",
    ],
    [
      "a non-numeric rate",
      (b: Awaited<ReturnType<typeof planBody>>) => ({
        ...b,
        charges: [{ ...(b.charges[0] as object), unit_price: "five cents" }],
      }),
      "charges.0.unit_price",
    ],
    [
      "unordered tiers",
      (b: Awaited<ReturnType<typeof planBody>>) => ({
        ...b,
        charges: [
          {
            ...(b.charges[1] as object),
            tiers: [
              { up_to: 1000, unit_price: "0" },
              { up_to: 500, unit_price: "0.02" },
              { up_to: null, unit_price: "0.01" },
            ],
          },
        ],
      }),
      "charges.0.tiers.1.up_to",
    ],
    [
      "overlapping tiers",
      (b: Awaited<ReturnType<typeof planBody>>) => ({
        ...b,
        charges: [
          {
            ...(b.charges[1] as object),
            tiers: [
              { up_to: 1000, unit_price: "0" },
              { up_to: 1000, unit_price: "0.02" },
              { up_to: null, unit_price: "0.01" },
            ],
          },
        ],
      }),
      "charges.0.tiers.1.up_to",
    ],
    [
      "an unknown meter",
      (b: Awaited<ReturnType<typeof planBody>>) => ({
        ...b,
        charges: [{ type: "usage", meter: "no_such_meter", model: "per_unit", unit_price: "1" }],
      }),
      "charges.0.meter",
    ],
    [
      "a limit on an unknown meter",
      (b: Awaited<ReturnType<typeof planBody>>) => ({ ...b, limits: [{ meter: "no_such_meter", limit: 5 }] }),
      "limits.0.meter",
    ],
    [
      "a base price with too many decimals",
      (b: Awaited<ReturnType<typeof planBody>>) => ({ ...b, base_price: "49.001" }),
      "base_price",
    ],
  ])("refuses %s with a 400 naming the field, and saves nothing", async (_name, mutate, field) => {
    const key = await platformKey();
    const body = mutate(await planBody());
    const res = await call<Err>(plans.POST, "POST", "/api/v1/plans", { key, body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_error");
    expect(res.json.error.details.map((d) => d.field)).toContain(field);
    expect(await db.select().from(plansTable).where(eq(plansTable.code, body.code))).toHaveLength(0);
  });

  it("answers 409 for a plan code that already exists", async () => {
    const key = await platformKey();
    const body = await planBody();
    expect((await call(plans.POST, "POST", "/api/v1/plans", { key, body })).status).toBe(201);
    const again = await call<Err>(plans.POST, "POST", "/api/v1/plans", { key, body: { ...body, name: "Other" } });
    expect(again.status).toBe(409);
    expect(again.json.error.details[0]!.field).toBe("code");
  });

  it("makes a new version on a price change and keeps the old row for existing subscribers", async () => {
    const key = await platformKey();
    const created = (await call<PlanOut>(plans.POST, "POST", "/api/v1/plans", { key, body: await planBody() })).json;
    const renamed = await call<PlanOut>(plan.PATCH, "PATCH", `/api/v1/plans/${created.id}`, {
      key,
      params: { id: created.id },
      body: { name: "Voice Pro+" },
    });
    expect(renamed.json).toMatchObject({ id: created.id, version: 1, name: "Voice Pro+", new_version: false });
    const repriced = await call<PlanOut>(plan.PATCH, "PATCH", `/api/v1/plans/${created.id}`, {
      key,
      params: { id: created.id },
      body: { base_price: "59.00" },
    });
    expect(repriced.json).toMatchObject({ version: 2, base_price: "59.00", new_version: true, name: "Voice Pro+" });
    expect(repriced.json.id).not.toBe(created.id);
    const old = await call<PlanOut & { is_latest: boolean }>(plan.GET, "GET", `/api/v1/plans/${created.id}`, {
      key,
      params: { id: created.id },
    });
    expect(old.json).toMatchObject({ base_price: "49.00", is_latest: false, active: false });
    const same = await call<PlanOut>(plan.PATCH, "PATCH", `/api/v1/plans/${repriced.json.id}`, {
      key,
      params: { id: repriced.json.id },
      body: { base_price: "59.00" },
    });
    expect(same.json).toMatchObject({ id: repriced.json.id, version: 2, new_version: false });
    const stale = await call<Err>(plan.PATCH, "PATCH", `/api/v1/plans/${created.id}`, {
      key,
      params: { id: created.id },
      body: { base_price: "1.00" },
    });
    expect(stale.status).toBe(409);
  });

  it("takes an archived plan off the list for sale", async () => {
    const key = await platformKey();
    const created = (await call<PlanOut>(plans.POST, "POST", "/api/v1/plans", { key, body: await planBody() })).json;
    expect(
      (await call(archive.POST, "POST", `/api/v1/plans/${created.id}/archive`, { key, params: { id: created.id } }))
        .status,
    ).toBe(200);
    const list = await call<{ data: PlanOut[] }>(plans.GET, "GET", "/api/v1/plans", { key });
    expect(list.json.data.map((p) => p.id)).not.toContain(created.id);
  });

  it("refuses catalog changes from a customer key", async () => {
    const key = await customerKey((await makeOrg()).id);
    expect((await call(plans.POST, "POST", "/api/v1/plans", { key, body: await planBody() })).status).toBe(403);
    expect(
      (
        await call(meters.POST, "POST", "/api/v1/meters", {
          key,
          body: { code: "x", name: "x", event_name: "x", aggregation: "count" },
        })
      ).status,
    ).toBe(403);
    expect((await call(plans.GET, "GET", "/api/v1/plans", { key })).status).toBe(200);
  });

  it("validates meters: a sum needs a property, a count takes none; definitions cannot change", async () => {
    const key = await platformKey();
    const noProp = await call<Err>(meters.POST, "POST", "/api/v1/meters", {
      key,
      body: { code: `m_${uid()}`, name: "M", event_name: "e", aggregation: "sum" },
    });
    expect(noProp.status).toBe(400);
    expect(noProp.json.error.details[0]!.field).toBe("property");
    const ok = await call<{ id: string; code: string }>(meters.POST, "POST", "/api/v1/meters", {
      key,
      body: {
        code: `m_${uid()}`,
        name: "Tokens",
        event_name: "llm_call",
        aggregation: "sum",
        property: "tokens",
        group_by: ["model"],
        unit: "token",
      },
    });
    expect(ok.status).toBe(201);
    const change = await call<Err>(meter.PATCH, "PATCH", `/api/v1/meters/${ok.json.id}`, {
      key,
      params: { id: ok.json.id },
      body: { aggregation: "max" },
    });
    expect(change.status).toBe(400);
    expect(change.json.error.details[0]!.field).toBe("aggregation");
    const byCode = await call<{ id: string }>(meter.GET, "GET", `/api/v1/meters/${ok.json.code}`, {
      key,
      params: { id: ok.json.code },
    });
    expect(byCode.json.id).toBe(ok.json.id);
  });

  it("refuses a group charge on a meter that does not group by that property", async () => {
    const key = await platformKey();
    const tokens = await makeMeter({ groupBy: [] });
    const res = await call<Err>(plans.POST, "POST", "/api/v1/plans", {
      key,
      body: await planBody({
        charges: [
          { type: "usage", meter: tokens.code, model: "group", group_by: "model", prices: { "gpt-4": "0.00003" } },
        ],
      }),
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details[0]!.field).toBe("charges.0.group_by");
  });

  it("manages credit events, credit packs and model prices with exact decimals", async () => {
    const key = await platformKey();
    const code = `ai_${uid()}`;
    expect(
      (
        await call(creditEvents.POST, "POST", "/api/v1/credit-events", {
          key,
          body: { code, name: "AI", credits: 25, category: "ai" },
        })
      ).status,
    ).toBe(201);
    expect(
      (await call(creditEvents.POST, "POST", "/api/v1/credit-events", { key, body: { code, name: "AI", credits: 25 } }))
        .status,
    ).toBe(409);
    const zero = await call<Err>(creditEvents.POST, "POST", "/api/v1/credit-events", {
      key,
      body: { code: `z_${uid()}`, name: "Z", credits: 0 },
    });
    expect(zero.json.error.details[0]!.field).toBe("credits");
    const pack = await call<{ price: string; price_cents: number }>(
      creditProducts.POST,
      "POST",
      "/api/v1/credit-products",
      { key, body: { code: `pack-${uid()}`, name: "Pack", credits: 1000, price: "9.99" } },
    );
    expect(pack.json).toMatchObject({ price: "9.99", price_cents: 999 });
    const price = await call<{ input_price_per_token: string }>(modelPrices.POST, "POST", "/api/v1/model-prices", {
      key,
      body: {
        provider: "openai",
        model: `gpt-${uid()}`,
        input_price_per_token: "0.00003",
        output_price_per_token: 0.00006,
      },
    });
    expect(price.status).toBe(201);
    expect(price.json.input_price_per_token).toBe("0.00003");
  });
});
