// Usage revenue, provider cost and margin of a month, from metered usage, against hand-computed
// values: usage rated with the customer's plan (apart from MRR), LLM tokens priced at the
// provider's per-token price in effect when they were used (a price change mid-month), and a
// tier that loses money.
//
// March 2026. Provider prices per token (input / output):
//   m-big   0.00003 / 0.00006 from Jan 1, then 0.00002 / 0.00004 from Mar 15
//   m-small 0.000001 / 0.000002 from Jan 1
// Plans: Resale $50/mo, reselling tokens (m-big 0.00004 / 0.00008, m-small 0.000002 / 0.000004)
//        and API calls (100 free, then $0.01); Flat $20/mo with no usage charges.
// P (Resale): Mar 5 150 API calls; Mar 10 m-big 100,000 in / 50,000 out; Mar 20 m-big 100,000 / 50,000;
//             Mar 21 m-small 1,000,000 / 200,000.
// Q (Flat):   Mar 12 m-big 1,000,000 in / 500,000 out.
import { beforeAll, describe, expect, it } from "vitest";
import * as customersRoute from "@/app/api/v1/admin/billing/customers/route";
import * as economicsRoute from "@/app/api/v1/admin/revenue/economics/route";
import * as seriesRoute from "@/app/api/v1/admin/revenue/series/route";
import * as usageCsvRoute from "@/app/api/v1/admin/export/usage.csv/route";
import { insertModelPrice } from "@/lib/catalog/seed-catalog";
import { ingestEvents } from "@/lib/metering/ingest-events";
import type { EconomicsJson, RevenueSeriesJson } from "@/lib/revenue/schemas";
import { listCustomers } from "@/lib/revenue/lists";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

const at = (iso: string) => new Date(`${iso}Z`);
let key: string;
const org = { P: "", Q: "" };
let tiers: { resale: string; flat: string };
const names = { api: `api_${uid()}`, seen: `seen_${uid()}` };

beforeAll(async () => {
  key = await platformKey();
  const llm = `llm_${uid()}`;
  const { api, seen } = names;
  const tokensIn = await makeMeter({
    aggregation: "sum",
    property: "input_tokens",
    eventName: llm,
    groupBy: ["model"],
    unit: "token",
  });
  const tokensOut = await makeMeter({
    aggregation: "sum",
    property: "output_tokens",
    eventName: llm,
    groupBy: ["model"],
    unit: "token",
  });
  const calls = await makeMeter({ aggregation: "count", eventName: api, unit: "call" });
  await makeMeter({ aggregation: "unique_count", property: "user", eventName: seen, unit: "user" });
  await insertModelPrice({
    provider: "p",
    model: "m-big",
    inputPricePerToken: "0.00003",
    outputPricePerToken: "0.00006",
    currency: "usd",
    effectiveFrom: at("2026-01-01T00:00:00"),
  });
  await insertModelPrice({
    provider: "p",
    model: "m-big",
    inputPricePerToken: "0.00002",
    outputPricePerToken: "0.00004",
    currency: "usd",
    effectiveFrom: at("2026-03-15T00:00:00"),
  });
  await insertModelPrice({
    provider: "p",
    model: "m-small",
    inputPricePerToken: "0.000001",
    outputPricePerToken: "0.000002",
    currency: "usd",
    effectiveFrom: at("2026-01-01T00:00:00"),
  });
  const resale = await makePlan({
    basePriceCents: 5000,
    charges: [
      {
        type: "usage",
        meter: tokensIn.code,
        model: "group",
        group_by: "model",
        prices: { "m-big": "0.00004", "m-small": "0.000002" },
      },
      {
        type: "usage",
        meter: tokensOut.code,
        model: "group",
        group_by: "model",
        prices: { "m-big": "0.00008", "m-small": "0.000004" },
      },
      {
        type: "usage",
        meter: calls.code,
        model: "graduated",
        tiers: [
          { up_to: 100, unit_price: "0" },
          { up_to: null, unit_price: "0.01" },
        ],
      },
    ],
  });
  const flat = await makePlan({ basePriceCents: 2000 });
  tiers = { resale: resale.tier, flat: flat.tier };
  org.P = (await makeOrg("P")).id;
  org.Q = (await makeOrg("Q")).id;
  await subscribeTo(org.P, resale.id, at("2026-02-01T00:00:00"));
  await subscribeTo(org.Q, flat.id, at("2026-02-01T00:00:00"));
  const now = at("2026-03-25T00:00:00");
  await ingestEvents(
    org.P,
    Array.from({ length: 150 }, (_, i) => ({
      eventId: `call-${i}`,
      eventName: api,
      timestamp: at("2026-03-05T09:00:00"),
    })),
    { now },
  );
  await ingestEvents(
    org.P,
    [
      {
        eventId: "p1",
        eventName: llm,
        timestamp: at("2026-03-10T12:00:00"),
        properties: { model: "m-big", input_tokens: 100_000, output_tokens: 50_000 },
      },
      {
        eventId: "p2",
        eventName: llm,
        timestamp: at("2026-03-20T12:00:00"),
        properties: { model: "m-big", input_tokens: 100_000, output_tokens: 50_000 },
      },
      {
        eventId: "p3",
        eventName: llm,
        timestamp: at("2026-03-21T12:00:00"),
        properties: { model: "m-small", input_tokens: 1_000_000, output_tokens: 200_000 },
      },
    ],
    { now },
  );
  // Users seen: a, b, a, c at 14:00 (3 distinct), a again at 15:00 (1), on the same day.
  await ingestEvents(
    org.P,
    ["a", "b", "a", "c"].map((user, i) => ({
      eventId: `seen-${i}`,
      eventName: seen,
      timestamp: at(`2026-03-06T14:0${i}:00`),
      properties: { user },
    })),
    { now },
  );
  await ingestEvents(
    org.P,
    [{ eventId: "seen-late", eventName: seen, timestamp: at("2026-03-06T15:30:00"), properties: { user: "a" } }],
    { now },
  );
  await ingestEvents(
    org.Q,
    [
      {
        eventId: "q1",
        eventName: llm,
        timestamp: at("2026-03-12T12:00:00"),
        properties: { model: "m-big", input_tokens: 1_000_000, output_tokens: 500_000 },
      },
    ],
    { now },
  );
});

describe("usage economics of March", () => {
  it("rates usage with each plan, prices tokens at the price in effect, and shows the tier that loses money", async () => {
    const res = await call<EconomicsJson>(economicsRoute.GET, "GET", "/api/v1/admin/revenue/economics?month=2026-03", {
      key,
    });
    expect(res.status).toBe(200);
    // P's usage: m-big in 200,000 × 0.00004 = 8.00; m-small in 1,000,000 × 0.000002 = 2.00;
    //            m-big out 100,000 × 0.00008 = 8.00; m-small out 200,000 × 0.000004 = 0.80;
    //            calls (150 − 100 free) × 0.01 = 0.50. Total 19.30.
    // P's cost:  Mar 10 at the old price 100,000 × 0.00003 + 50,000 × 0.00006 = 6.00;
    //            Mar 20 at the new price 100,000 × 0.00002 + 50,000 × 0.00004 = 4.00;
    //            m-small 1,000,000 × 0.000001 + 200,000 × 0.000002 = 1.40. Total 11.40.
    // P's revenue: MRR 50.00 + usage 19.30 = 69.30; margin 57.90 (57.90 / 69.30 = 0.83549… → 0.8355).
    // Q's cost:  1,000,000 × 0.00003 + 500,000 × 0.00006 = 60.00 against 20.00 of MRR: margin −40.00 (−2.0000).
    expect(res.json.customers).toEqual([
      expect.objectContaining({
        customer_id: org.Q,
        tier: tiers.flat,
        subscription_revenue_cents: 2000,
        usage_revenue_cents: 0,
        revenue_cents: 2000,
        cost_cents: 6000,
        margin_cents: -4000,
        margin_rate: "-2.0000",
        tokens: { input: "1000000", output: "500000" },
      }),
      expect.objectContaining({
        customer_id: org.P,
        tier: tiers.resale,
        subscription_revenue_cents: 5000,
        usage_revenue_cents: 1930,
        revenue_cents: 6930,
        cost_cents: 1140,
        margin_cents: 5790,
        margin_rate: "0.8355",
        tokens: { input: "1200000", output: "300000" },
      }),
    ]);
    expect(res.json.tiers).toEqual([
      expect.objectContaining({
        tier: tiers.resale,
        customers: 1,
        revenue_cents: 6930,
        cost_cents: 1140,
        margin_cents: 5790,
      }),
      expect.objectContaining({
        tier: tiers.flat,
        customers: 1,
        revenue_cents: 2000,
        cost_cents: 6000,
        margin_cents: -4000,
      }),
    ]);
    // Usage is reported apart from MRR: 19.30 of usage revenue; 71.40 of cost in all.
    // Totals: revenue 89.30, margin 17.90 (17.90 / 89.30 = 0.20044… → 0.2004).
    expect(res.json).toMatchObject({
      usage_revenue_cents: 1930,
      cost_cents: 7140,
      totals: { revenue_cents: 8930, cost_cents: 7140, margin_cents: 1790, margin_rate: "0.2004" },
    });
  });

  it("reports the same usage revenue for March in the monthly series as on the economics page (one definition)", async () => {
    const [series, economics] = await Promise.all([
      call<RevenueSeriesJson>(seriesRoute.GET, "GET", "/api/v1/admin/revenue/series?from=2026-02&to=2026-03", { key }),
      call<EconomicsJson>(economicsRoute.GET, "GET", "/api/v1/admin/revenue/economics?month=2026-03", { key }),
    ]);
    expect(series.status).toBe(200);
    const march = series.json.data.find((m) => m.month === "2026-03");
    // The revenue table once left this column at $0.00 while the economics page said $19.30.
    expect(march?.usage_revenue_cents).toBe(1930);
    expect(march?.usage_revenue_cents).toBe(economics.json.usage_revenue_cents);
    expect(series.json.data.find((m) => m.month === "2026-02")?.usage_revenue_cents).toBe(0);
  });

  it("shows each customer's usage charges this month in the customer list", async () => {
    const page = await listCustomers({ limit: 10, search: undefined }, at("2026-03-25T00:00:00"));
    const byId = new Map(page.rows.map((r) => [r.id, r]));
    expect(byId.get(org.P)).toMatchObject({ mrrCents: 5000, usageChargesCents: 1930 });
    expect(byId.get(org.Q)).toMatchObject({ mrrCents: 2000, usageChargesCents: 0 });
    const api = await call<{ data: { id: string; usage_charges_this_month_cents: number }[] }>(
      customersRoute.GET,
      "GET",
      "/api/v1/admin/billing/customers?limit=100",
      { key },
    );
    // In the real current month (not March 2026) these customers have no usage.
    expect(api.json.data.find((c) => c.id === org.P)?.usage_charges_this_month_cents).toBe(0);
  });

  it("exports the usage per customer, meter, hour and group", async () => {
    const res = await usageCsvRoute.GET(
      new Request("http://tally.test/api/v1/admin/export/usage.csv?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z", {
        headers: { authorization: `Bearer ${key}` },
      }),
    );
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines[0]).toBe("customer_id,external_customer_id,meter,aggregation,unit,hour_start,group,events,value");
    const ofP = lines.filter((l) => l.startsWith(org.P));
    // 150 calls in one hour; m-big in and out at two hours; m-small in and out at one hour; users at two hours.
    expect(ofP).toHaveLength(1 + 2 + 2 + 1 + 1 + 2);
    // Distinct users per hour: 3 users at 14:00 (a twice), 1 at 15:00; no event count for distinct values.
    expect(ofP.find((l) => l.includes(",unique_count,user,2026-03-06T14:00:00.000Z,"))).toMatch(/,,3$/);
    expect(ofP.find((l) => l.includes(",unique_count,user,2026-03-06T15:00:00.000Z,"))).toMatch(/,,1$/);
    expect(ofP.find((l) => l.includes(",count,call,2026-03-05T09:00:00.000Z,"))).toMatch(/,150,150$/);
    expect(
      ofP
        .filter((l) => l.includes('"{""model"":""m-big""}"') && l.includes("2026-03-10T12:00:00.000Z"))
        .map((l) => l.split(",").pop())
        .sort(),
    ).toEqual(["100000", "50000"]);
  });

  it("streams a long usage export in batches, the rollups and then the distinct values, each row once", async () => {
    // 1,001 hours of calls and of users seen (one user an hour) in January 2025: two batches of each.
    const r = (await makeOrg("R")).id;
    const hours = Array.from({ length: 1_001 }, (_, i) => new Date(Date.UTC(2025, 0, 1) + i * 3_600_000));
    await ingestEvents(
      r,
      hours.map((t, i) => ({ eventId: `r-call-${i}`, eventName: names.api, timestamp: t })),
      { now: at("2026-03-25T00:00:00") },
    );
    await ingestEvents(
      r,
      hours.map((t, i) => ({
        eventId: `r-seen-${i}`,
        eventName: names.seen,
        timestamp: t,
        properties: { user: `u${i % 7}` },
      })),
      { now: at("2026-03-25T00:00:00") },
    );
    const res = await usageCsvRoute.GET(
      new Request("http://tally.test/api/v1/admin/export/usage.csv?from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z", {
        headers: { authorization: `Bearer ${key}` },
      }),
    );
    const ofR = (await res.text())
      .trimEnd()
      .split("\n")
      .filter((l) => l.startsWith(r));
    const calls = ofR.filter((l) => l.includes(",count,"));
    const users = ofR.filter((l) => l.includes(",unique_count,"));
    expect(calls).toHaveLength(1_001);
    expect(users).toHaveLength(1_001);
    expect(new Set(ofR).size).toBe(2_002);
    expect(calls.every((l) => l.endsWith(",1,1"))).toBe(true);
    expect(users.every((l) => l.endsWith(",,1"))).toBe(true);
    expect(users[1_000]).toContain(`,${hours[1_000]!.toISOString()},`);
  });
});
