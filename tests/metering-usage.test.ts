import { describe, expect, it } from "vitest";
import * as ack from "@/app/api/v1/alerts/[id]/acknowledge/route";
import * as alertsRoute from "@/app/api/v1/alerts/route";
import * as consume from "@/app/api/v1/credits/consume/route";
import * as billingUsage from "@/app/api/v1/billing/usage/route";
import * as summary from "@/app/api/v1/customers/[id]/usage-summary/route";
import * as entitlements from "@/app/api/v1/entitlements/[feature]/route";
import * as bulk from "@/app/api/v1/events/bulk/route";
import * as usage from "@/app/api/v1/usage/route";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { limitPeriod } from "@/lib/metering/limit-period";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

const HOUR = 3_600_000;
type Alert = {
  id: string;
  kind: string;
  key: string;
  threshold: string;
  acknowledged_at: string | null;
  message: string;
};

async function sendCalls(orgId: string, eventName: string, n: number, prefix = uid(), at = new Date()) {
  await ingestEvents(
    orgId,
    Array.from({ length: n }, (_, i) => ({ eventId: `${prefix}-${i}`, eventName, timestamp: at })),
  );
}

describe("usage reads", () => {
  it("reads by window with zero-filled buckets and a total, over whole UTC hours", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const day0 = Date.UTC(2026, 0, 10);
    await ingestEvents(org.id, [
      { eventId: "a", eventName: meter.eventName, timestamp: new Date(day0 + 30 * 60_000), properties: { n: 1 } },
      {
        eventId: "b",
        eventName: meter.eventName,
        timestamp: new Date(day0 + 2 * 86_400_000 + 5 * HOUR),
        properties: { n: 2 },
      },
      {
        eventId: "c",
        eventName: meter.eventName,
        timestamp: new Date(day0 + 2 * 86_400_000 + 23 * HOUR),
        properties: { n: 4 },
      },
    ]);
    const res = await call<{
      from: string;
      to: string;
      meters: { value: string; windows: { start: string; value: string }[] }[];
    }>(
      usage.GET,
      "GET",
      `/api/v1/usage?customer_id=${org.id}&meter=${meter.code}&window=day&from=2026-01-10T00:10:00Z&to=2026-01-13T00:00:00Z`,
      { key },
    );
    expect(res.json.from).toBe("2026-01-10T00:00:00.000Z");
    expect(res.json.meters[0]!.windows.map((w) => [w.start.slice(0, 10), w.value])).toEqual([
      ["2026-01-10", "1"],
      ["2026-01-11", "0"],
      ["2026-01-12", "6"],
    ]);
    expect(res.json.meters[0]!.value).toBe("7");
    const monthly = await call<{ meters: { windows: { value: string }[] }[] }>(
      usage.GET,
      "GET",
      `/api/v1/usage?customer_id=${org.id}&meter=${meter.code}&window=month&from=2025-12-01T00:00:00Z&to=2026-02-01T00:00:00Z`,
      { key },
    );
    expect(monthly.json.meters[0]!.windows.map((w) => w.value)).toEqual(["0", "7"]);
    const hourly = await call<{ meters: { windows: { start: string; value: string }[] }[] }>(
      usage.GET,
      "GET",
      `/api/v1/usage?customer_id=${org.id}&meter=${meter.code}&window=hour&from=2026-01-12T04:00:00Z&to=2026-01-13T01:00:00Z`,
      { key },
    );
    const nonZero = hourly.json.meters[0]!.windows.filter((w) => w.value !== "0").map((w) => [w.start, w.value]);
    expect(hourly.json.meters[0]!.windows).toHaveLength(21);
    expect(nonZero).toEqual([
      ["2026-01-12T05:00:00.000Z", "2"],
      ["2026-01-12T23:00:00.000Z", "4"],
    ]);
  });

  it("refuses unknown meters, group_by on a meter that does not group, and too many windows", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const bad = (q: string) =>
      call<{ error: { details: { field: string }[] } }>(usage.GET, "GET", `/api/v1/usage?customer_id=${org.id}&${q}`, {
        key,
      });
    expect((await bad("meter=nope_nope")).json.error.details[0]!.field).toBe("meter");
    expect((await bad(`meter=${meter.code}&group_by=model`)).json.error.details[0]!.field).toBe("group_by");
    expect(
      (await bad(`meter=${meter.code}&window=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`)).json.error
        .details[0]!.field,
    ).toBe("window");
    expect((await call(usage.GET, "GET", `/api/v1/usage?meter=${meter.code}`, { key })).status).toBe(400);
  });

  it("shows a customer key only its own usage", async () => {
    const [org, other] = [await makeOrg(), await makeOrg()];
    const key = await customerKey(org.id);
    expect((await call(usage.GET, "GET", "/api/v1/usage", { key })).status).toBe(200);
    expect((await call(usage.GET, "GET", `/api/v1/usage?customer_id=${other.id}`, { key })).status).toBe(403);
  });
});

describe("usage summary and billing usage", () => {
  it("prices a period's usage per meter with the plan: per-unit, graduated and per-group charges, exact amounts and cents", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const calls = await makeMeter({ unit: "call" });
    const minutes = await makeMeter({ aggregation: "sum", property: "minutes" });
    const name = `llm_${uid()}`;
    const tokens = await makeMeter({ eventName: name, aggregation: "sum", property: "tokens", groupBy: ["model"] });
    const plan = await makePlan({
      charges: [
        { type: "usage", meter: minutes.code, model: "per_unit", unit_price: "0.05" },
        {
          type: "usage",
          meter: calls.code,
          model: "graduated",
          tiers: [
            { up_to: 5, unit_price: "0" },
            { up_to: null, unit_price: "0.01" },
          ],
        },
        { type: "usage", meter: tokens.code, model: "group", group_by: "model", prices: { "gpt-4": "0.00003" } },
        { type: "fixed", name: "Monthly fee", amount: "10.00" },
      ],
    });
    await subscribeTo(org.id, plan.id, new Date(Date.now() - 2 * HOUR));
    await sendCalls(org.id, calls.eventName, 15);
    await ingestEvents(org.id, [
      { eventId: "m", eventName: minutes.eventName, properties: { minutes: "5.5" } },
      { eventId: "t1", eventName: name, properties: { model: "gpt-4", tokens: 1000 } },
      { eventId: "t2", eventName: name, properties: { model: "mystery", tokens: 7 } },
    ]);
    const res = await call<{
      usage: {
        meter: string;
        quantity: string;
        amount: string;
        amount_cents: number;
        quantity_by_group?: Record<string, string>;
        lines: { unpriced?: unknown[] }[];
      }[];
      total_amount: string;
      total_amount_cents: number;
      fixed_charges: { amount: string }[];
    }>(summary.GET, "GET", `/api/v1/customers/${org.externalId}/usage-summary`, {
      key,
      params: { id: org.externalId! },
    });
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.json.usage.map((u) => [u.meter, u]));
    expect(by[minutes.code]).toMatchObject({ quantity: "5.5", amount: "0.275", amount_cents: 28 });
    expect(by[calls.code]).toMatchObject({ quantity: "15", amount: "0.1", amount_cents: 10 });
    expect(by[tokens.code]).toMatchObject({
      quantity: "1007",
      amount: "0.03",
      quantity_by_group: { "gpt-4": "1000", mystery: "7" },
    });
    expect(by[tokens.code]!.lines[0]!.unpriced).toHaveLength(1);
    expect(res.json.fixed_charges[0]!.amount).toBe("10");
    expect(res.json.total_amount).toBe("10.405");
    expect(res.json.total_amount_cents).toBe(1041);
  });

  it("answers the billing usage view: today and this month, included, remaining, overage, its cost, price per 1k, and credits", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const calls = await makeMeter({ unit: "call" });
    const plan = await makePlan({
      includedCredits: 100,
      limits: [{ meter: calls.code, limit: 20, enforcement: "soft" }],
      charges: [
        {
          type: "usage",
          meter: calls.code,
          model: "graduated",
          tiers: [
            { up_to: 20, unit_price: "0" },
            { up_to: null, unit_price: "0.5" },
          ],
        },
      ],
    });
    await subscribeTo(org.id, plan.id, new Date(Date.now() - 3 * 86_400_000));
    await insertCreditProduct({ code: `pack-${uid()}`, name: "tiny pack", credits: 1, priceCents: 1, currency: "usd" });
    await sendCalls(org.id, calls.eventName, 24);
    await sendCalls(org.id, calls.eventName, 3, uid(), new Date(Date.now() - 2 * 86_400_000));
    const res = await call<{ meters: Record<string, unknown>[]; credits: Record<string, unknown> }>(
      billingUsage.GET,
      "GET",
      `/api/v1/billing/usage?customer_id=${org.id}`,
      { key },
    );
    const row = res.json.meters.find((m) => m.meter === calls.code)!;
    expect(row).toMatchObject({
      today: "24",
      this_month: "27",
      included: "20",
      used: "27",
      remaining: "0",
      overage: "7",
      overage_cost: "3.5",
      overage_cost_cents: 350,
      price_per_1k: "500",
      limit: { limit: 20, enforcement: "soft", percent_used: 135 },
    });
    // The plan's 100 included credits were granted at subscription; 30 spent since.
    expect(
      (
        await call(consume.POST, "POST", "/api/v1/credits/consume", {
          key,
          body: { customer_id: org.id, credits: 30, idempotency_key: uid() },
        })
      ).status,
    ).toBe(200);
    const after = await call<{ credits: Record<string, unknown> }>(
      billingUsage.GET,
      "GET",
      `/api/v1/billing/usage?customer_id=${org.id}`,
      { key },
    );
    expect(after.json.credits).toMatchObject({ source: "ledger", included: 100, used: 30, remaining: 70, overage: 0 });
  });
});

describe("entitlements", () => {
  it("allows a hard-limited meter until the limit, then refuses, with used, remaining and resets_at from the period", async () => {
    const key = await platformKey();
    const [org, meter] = [await makeOrg(), await makeMeter()];
    const plan = await makePlan({ limits: [{ meter: meter.code, limit: 5, enforcement: "hard" }] });
    const sub = await subscribeTo(org.id, plan.id, new Date(Date.now() - HOUR));
    const check = (q = "") =>
      call<Record<string, unknown>>(
        entitlements.GET,
        "GET",
        `/api/v1/entitlements/${meter.code}?customer_id=${org.externalId}${q}`,
        { key, params: { feature: meter.code } },
      );
    await sendCalls(org.id, meter.eventName, 4);
    expect((await check()).json).toMatchObject({
      allowed: true,
      used: "4",
      limit: 5,
      remaining: "1",
      enforcement: "hard",
      resets_at: sub.currentPeriodEnd.toISOString(),
    });
    expect((await check("&quantity=2")).json.allowed).toBe(false);
    await sendCalls(org.id, meter.eventName, 1);
    expect((await check()).json).toMatchObject({ allowed: false, used: "5", remaining: "0", reason: "limit_reached" });
  });

  it("allows soft limits and unlimited meters, refuses without a subscription, and hides other customers", async () => {
    const key = await platformKey();
    const [org, meter, free] = [await makeOrg(), await makeMeter(), await makeMeter()];
    const plan = await makePlan({ limits: [{ meter: meter.code, limit: 1, enforcement: "soft" }] });
    await subscribeTo(org.id, plan.id);
    await sendCalls(org.id, meter.eventName, 3);
    const get = (m: string, customer: string, k = key) =>
      call<Record<string, unknown>>(entitlements.GET, "GET", `/api/v1/entitlements/${m}?customer_id=${customer}`, {
        key: k,
        params: { feature: m },
      });
    expect((await get(meter.code, org.id)).json).toMatchObject({
      allowed: true,
      reason: "soft_limit_exceeded",
      used: "3",
    });
    expect((await get(free.code, org.id)).json).toMatchObject({ allowed: true, unlimited: true, limit: null });
    const lonely = await makeOrg();
    expect((await get(meter.code, lonely.id)).json).toMatchObject({ allowed: false, reason: "no_subscription" });
    expect((await get("no_such_meter", org.id)).status).toBe(400);
    expect((await get(meter.code, lonely.id, await customerKey(org.id))).status).toBe(404);
    const own = await call<Record<string, unknown>>(entitlements.GET, "GET", `/api/v1/entitlements/${meter.code}`, {
      key: await customerKey(org.id),
      params: { feature: meter.code },
    });
    expect(own.json.used).toBe("3");
  });

  it("computes the limit period in SQL exactly as limitPeriod does, month ends included", async () => {
    const { db } = await import("@/lib/db/client");
    const { subscriptions } = await import("@/lib/db/schema");
    const { entitlement } = await import("@/lib/metering/entitlement");
    const [org, meter] = [await makeOrg(), await makeMeter()];
    const plan = await makePlan({ interval: "year", limits: [{ meter: meter.code, limit: 10, enforcement: "hard" }] });
    const anchor = new Date("2026-01-31T10:37:00Z");
    const sub = {
      interval: "year" as const,
      status: "active" as const,
      billingAnchor: anchor,
      currentPeriodStart: anchor,
      currentPeriodEnd: new Date("2027-01-31T10:37:00Z"),
    };
    await db.insert(subscriptions).values({ id: `sub_${uid()}`, orgId: org.id, planId: plan.id, ...sub });
    for (const at of [
      "2026-01-31T10:37:00Z",
      "2026-02-28T10:36:59Z",
      "2026-02-28T10:37:00Z",
      "2026-02-28T11:00:00Z",
      "2026-03-30T23:00:00Z",
      "2026-03-31T10:37:00Z",
      "2026-12-31T23:59:00Z",
    ]) {
      const now = new Date(at);
      const e = await entitlement(org.id, meter.code, { now });
      const expected = limitPeriod(sub, now);
      expect([e.period_start, e.period_end], at).toEqual([expected.start.toISOString(), expected.end.toISOString()]);
    }
  });

  it("counts a yearly plan's limit per month of its own schedule", () => {
    const anchor = new Date("2026-01-31T10:37:00Z");
    const sub = {
      interval: "year" as const,
      status: "active" as const,
      billingAnchor: anchor,
      currentPeriodStart: anchor,
      currentPeriodEnd: new Date("2027-01-31T10:37:00Z"),
    };
    expect(limitPeriod(sub, new Date("2026-03-15T00:00:00Z"))).toEqual({
      start: new Date("2026-02-28T10:37:00Z"),
      end: new Date("2026-03-31T10:37:00Z"),
    });
    const monthly = { ...sub, interval: "month" as const, currentPeriodEnd: new Date("2026-02-28T10:37:00Z") };
    expect(limitPeriod(monthly, new Date("2026-02-01T00:00:00Z"))).toEqual({
      start: anchor,
      end: new Date("2026-02-28T10:37:00Z"),
    });
  });
});

describe("usage alerts", () => {
  it("raises the 80 % and 100 % alerts once per period as batches cross them, and lets the customer acknowledge", async () => {
    const [org, meter] = [await makeOrg(), await makeMeter({ unit: "call" })];
    const plan = await makePlan({ limits: [{ meter: meter.code, limit: 10, enforcement: "hard" }] });
    await subscribeTo(org.id, plan.id, new Date(Date.now() - HOUR));
    const key = await customerKey(org.id);
    const list = async (status = "open") =>
      (await call<{ data: Alert[] }>(alertsRoute.GET, "GET", `/api/v1/alerts?status=${status}`, { key })).json.data;
    await sendCalls(org.id, meter.eventName, 7);
    expect(await list()).toHaveLength(0);
    await sendCalls(org.id, meter.eventName, 1);
    await sendCalls(org.id, meter.eventName, 1);
    let open = await list();
    expect(open.map((a) => [a.kind, a.key, a.threshold])).toEqual([["usage_limit", meter.code, "80"]]);
    expect(open[0]!.message).toContain("80 %");
    await sendCalls(org.id, meter.eventName, 5);
    open = await list();
    expect(open.map((a) => a.threshold)).toEqual(["100", "80"]);
    const acked = await call<Alert>(ack.POST, "POST", `/api/v1/alerts/${open[1]!.id}/acknowledge`, {
      key,
      params: { id: open[1]!.id },
    });
    expect(acked.status).toBe(200);
    expect(acked.json.acknowledged_at).not.toBeNull();
    expect((await list()).map((a) => a.threshold)).toEqual(["100"]);
    expect((await list("all")).length).toBe(2);
  });

  it("raises one alert when concurrent batches cross a threshold together", async () => {
    const [org, meter] = [await makeOrg(), await makeMeter()];
    const plan = await makePlan({ limits: [{ meter: meter.code, limit: 100, enforcement: "soft" }] });
    await subscribeTo(org.id, plan.id);
    await Promise.all(Array.from({ length: 6 }, () => sendCalls(org.id, meter.eventName, 20)));
    const key = await platformKey();
    const { json } = await call<{ data: Alert[] }>(alertsRoute.GET, "GET", `/api/v1/alerts?customer_id=${org.id}`, {
      key,
    });
    expect(json.data.map((a) => a.threshold).sort()).toEqual(["100", "80"]);
  });

  it("raises an alert once per (customer, kind, key, threshold, period), for other domains too", async () => {
    const org = await makeOrg();
    const input = {
      orgId: org.id,
      kind: "low_credit_balance" as const,
      key: "balance",
      threshold: 100,
      periodKey: "2026-01-01T00:00:00.000Z",
      message: "Credit balance below 100.",
    };
    const results = await Promise.all([raiseAlertOnce(input), raiseAlertOnce(input), raiseAlertOnce(input)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await raiseAlertOnce({ ...input, periodKey: "2026-02-01T00:00:00.000Z" })).created).toBe(true);
  });

  it("hides another customer's alerts and refuses to acknowledge them", async () => {
    const [org, other] = [await makeOrg(), await makeOrg()];
    const { alert } = await raiseAlertOnce({
      orgId: other.id,
      kind: "usage_limit",
      key: "x",
      threshold: 80,
      periodKey: "p",
      message: "m",
    });
    const key = await customerKey(org.id);
    expect(
      (await call(ack.POST, "POST", `/api/v1/alerts/${alert!.id}/acknowledge`, { key, params: { id: alert!.id } }))
        .status,
    ).toBe(404);
    expect((await call(alertsRoute.GET, "GET", `/api/v1/alerts?customer_id=${other.id}`, { key })).status).toBe(403);
  });

  it("checks limits for a batch spanning many customers in a few queries, and subscriptions named by Lago events", async () => {
    const key = await platformKey();
    const meter = await makeMeter();
    const plan = await makePlan({ limits: [{ meter: meter.code, limit: 2, enforcement: "hard" }] });
    const orgs = await Promise.all(Array.from({ length: 5 }, () => makeOrg()));
    for (const o of orgs) await subscribe(o.id, { plan: { id: plan.id }, actor: "test" });
    const events = orgs.flatMap((o) =>
      [0, 1].map((i) => ({ event_name: meter.eventName, external_customer_id: o.externalId, event_id: `e${i}` })),
    );
    await call(bulk.POST, "POST", "/api/v1/events/bulk", { key, body: { events } });
    for (const o of orgs) {
      const { json } = await call<{ data: Alert[] }>(alertsRoute.GET, "GET", `/api/v1/alerts?customer_id=${o.id}`, {
        key,
      });
      expect(json.data.map((a) => a.threshold).sort()).toEqual(["100", "80"]);
    }
  });
});
