// Price simulation (lib/simulation): a draft version rated against its subscribers' real usage of
// the last months. Its totals must be what invoices would say: each customer's months are rated again
// here one at a time, through the invoice's own path (usage read per customer and month by
// lib/metering/priced-usage.ts, lines by lib/payments/period-lines.ts, the fee line of
// local-billing.ts), over random usage.
import { sql } from "drizzle-orm";
import { minorToDecimal } from "@/lib/money";
import { describe, expect, it } from "vitest";
import * as simulateRoute from "@/app/api/v1/plans/[id]/simulate/route";
import { updatePlan } from "@/lib/catalog/plans";
import { db } from "@/lib/db/client";
import type { Plan } from "@/lib/db/schema";
import { meterIndex, type MeterDef } from "@/lib/metering/meters";
import { pricedUsage } from "@/lib/metering/priced-usage";
import { subscriptionLines } from "@/lib/payments/local-billing";
import { periodLines, totalCents } from "@/lib/payments/period-lines";
import type { Charge } from "@/lib/rating";
import type { SimulationJson } from "@/lib/simulation/schemas";
import { monthWindow } from "@/lib/simulation/rate-customers";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

type ErrorBody = { error: { code: string; details?: { field: string; message: string }[] } };

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function rollup(
  orgId: string,
  meter: { id: string },
  at: Date,
  v: { count: number; sum?: string; group?: Record<string, string> },
) {
  await db.execute(sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
    values (${orgId}, ${meter.id}, ${at.toISOString()}::timestamptz, ${JSON.stringify(v.group ?? {})}, ${Math.floor(Math.random() * 4)}, ${v.count}, ${v.sum ?? null}::numeric, ${v.sum ?? null}::numeric)
    on conflict (org_id, meter_id, bucket_start, group_key, shard) do update set
      event_count = usage_rollups.event_count + excluded.event_count,
      value_sum = usage_rollups.value_sum + excluded.value_sum,
      value_max = greatest(usage_rollups.value_max, excluded.value_max)`);
}

/** One distinct value seen on `at`'s day (in the hour of `at`), as ingestion records it. */
async function uniqueValue(
  orgId: string,
  meter: { id: string },
  at: Date,
  value: string,
  group: Record<string, string>,
) {
  await db.execute(sql`insert into usage_unique_values (org_id, meter_id, day, group_key, value, hours)
    values (${orgId}, ${meter.id}, ${at.toISOString().slice(0, 10)}::date, ${JSON.stringify(group)}, ${value}, ${2 ** at.getUTCHours()})
    on conflict (org_id, meter_id, day, group_key, value) do update set hours = usage_unique_values.hours | excluded.hours`);
}

/** A `latest` meter's reading at `at`. */
async function reading(orgId: string, meter: { id: string }, at: Date, value: string) {
  await db.execute(sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, latest_value, latest_at)
    values (${orgId}, ${meter.id}, ${new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString()}::timestamptz, '{}', 0, 1, ${value}::numeric, ${value}::numeric, ${value}::numeric, ${at.toISOString()}::timestamptz)`);
}

const simulate = (planId: string, body: Record<string, unknown>, auth: { key?: string; cookie?: string }) =>
  call<SimulationJson & ErrorBody>(simulateRoute.POST, "POST", `/api/v1/plans/${planId}/simulate`, {
    ...auth,
    body,
    params: { id: planId },
  });

const monthsAgo = (n: number, day = 1, now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, day, 12));

/** The next version of a plan its subscribers are on, with other prices, not on sale: what is being simulated. */
async function nextVersion(v1: Plan, proposed: Charge[], priceCents: number) {
  const { plan } = await updatePlan(v1.id, {
    charges: proposed,
    base_price: minorToDecimal(priceCents, "usd"),
    status: "off_sale",
  });
  return plan;
}

/** What an invoice says for one customer's month under `plan`: the fee line and the usage lines. */
async function invoiceMonth(orgId: string, meters: MeterDef[], plan: Plan, month: Date): Promise<number> {
  const period = { start: month, end: new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1)) };
  const { quantities } = await pricedUsage(orgId, meters, period, plan);
  const lines = periodLines({
    subscriptionId: `sim-${orgId}`,
    period,
    currency: plan.currency,
    segments: [
      {
        start: period.start,
        end: period.end,
        plan: { id: plan.id, name: plan.name, currency: plan.currency, charges: plan.charges },
        usage: quantities,
      },
    ],
    calls: [],
    agentPlans: [],
    overage: [],
  });
  return subscriptionLines(plan, period)[0]!.amountCents + totalCents(lines);
}

describe("price simulation", () => {
  it("totals equal rating each customer's months one by one, as invoices do (random usage)", async () => {
    const random = rng(21);
    const calls = await makeMeter({ aggregation: "count" });
    const tokens = await makeMeter({ aggregation: "sum", property: "tokens", groupBy: ["model"] });
    const peak = await makeMeter({ aggregation: "max", property: "seats" });
    const users = await makeMeter({ aggregation: "unique_count", property: "user", groupBy: ["region"] });
    const storage = await makeMeter({ aggregation: "latest", property: "gb" });
    const current: Charge[] = [
      { type: "usage", meter: users.code, model: "group", group_by: "region", prices: { eu: "1.25", us: "0.8" } },
      { type: "usage", meter: storage.code, model: "per_unit", unit_price: "0.021" },
      {
        type: "usage",
        meter: calls.code,
        model: "graduated",
        included_quantity: "100",
        tiers: [
          { up_to: 1000, unit_price: "0.013" },
          { up_to: null, unit_price: "0.0071", flat_amount: "1.5" },
        ],
      },
      { type: "usage", meter: tokens.code, model: "group", group_by: "model", prices: { a: "0.00037", b: "0.0011" } },
      { type: "usage", meter: peak.code, model: "per_unit", unit_price: "2.335" },
    ];
    const proposed: Charge[] = [
      { type: "usage", meter: users.code, model: "per_unit", unit_price: "0.99" },
      { type: "usage", meter: storage.code, model: "per_unit", unit_price: "0.03" },
      {
        type: "usage",
        meter: calls.code,
        model: "volume",
        tiers: [
          { up_to: 500, unit_price: "0.02" },
          { up_to: null, unit_price: "0.009" },
        ],
      },
      { type: "usage", meter: tokens.code, model: "per_unit", unit_price: "0.00049" },
      { type: "usage", meter: peak.code, model: "package", package_size: 5, package_price: "9.99" },
    ];
    const v1 = await makePlan({ charges: current, basePriceCents: 2900 });
    const months = 4;
    const window = monthWindow(months, new Date());
    const orgs = [];
    for (let i = 0; i < 7; i++) {
      const org = await makeOrg(`Sim ${uid()}`);
      // One customer joins in the window's third month: only the last two months count for them.
      const joined = i === 0 ? monthsAgo(months - 2, 10) : monthsAgo(months + 1);
      await subscribeTo(org.id, v1.id, joined);
      orgs.push(org);
      for (const [m, start] of window.months.entries()) {
        if (random() < 0.15) continue; // some months without any usage
        const hours = 1 + Math.floor(random() * 4);
        for (let h = 0; h < hours; h++) {
          const at = new Date(start.getTime() + Math.floor(random() * 27 * 24) * 3_600_000);
          await rollup(org.id, calls, at, { count: Math.floor(random() * 900) });
          await rollup(org.id, tokens, at, {
            count: 3,
            sum: (random() * 50_000).toFixed(3),
            group: { model: random() < 0.5 ? "a" : random() < 0.5 ? "b" : "c" },
          });
          await rollup(org.id, peak, at, { count: 1, sum: String(1 + Math.floor(random() * 12)) });
          // Distinct users, some seen again in another hour or region; the storage reading of that hour.
          for (let u = 0; u < 1 + Math.floor(random() * 3); u++)
            await uniqueValue(org.id, users, at, `u${Math.floor(random() * 6)}`, {
              region: random() < 0.5 ? "eu" : random() < 0.7 ? "us" : "apac",
            });
          await reading(org.id, storage, at, (random() * 500).toFixed(2));
        }
        // Usage just outside the window (this month) never counts.
        if (m === months - 1) await rollup(org.id, calls, new Date(window.end.getTime() + 3_600_000), { count: 5_000 });
      }
    }
    const v2 = await nextVersion(v1, proposed, 3450);

    const key = await platformKey();
    const res = await simulate(v2.id, { months, limit: 500 }, { key });
    expect(res.status).toBe(200);
    const out = res.json;
    expect(out.compared_with).toMatchObject({ kind: "earlier_versions", code: v1.code });
    expect(out.counts.customers).toBe(7);

    const meters = (await meterIndex({ fresh: true })).all.filter((m) =>
      [calls.id, tokens.id, peak.id, users.id, storage.id].includes(m.id),
    );
    let current_cents = 0;
    let proposed_cents = 0;
    const byMonth = window.months.map(() => ({ current: 0, proposed: 0, customers: 0 }));
    for (const [i, org] of orgs.entries()) {
      let c = 0;
      let p = 0;
      for (const [m, start] of window.months.entries()) {
        if (i === 0 && m < months - 1) continue; // joined on the 10th of month 3: month 4 is its first whole one
        const a = await invoiceMonth(org.id, meters, v1, start);
        const b = await invoiceMonth(org.id, meters, v2, start);
        c += a;
        p += b;
        byMonth[m]!.current += a;
        byMonth[m]!.proposed += b;
        byMonth[m]!.customers++;
      }
      const row = out.customers.data.find((r) => r.customer_id === org.id)!;
      expect(row, org.id).toMatchObject({
        current_cents: c,
        proposed_cents: p,
        difference_cents: p - c,
        months: i === 0 ? 1 : months,
      });
      current_cents += c;
      proposed_cents += p;
    }
    expect(out.totals).toMatchObject({
      current_cents,
      proposed_cents,
      difference_cents: proposed_cents - current_cents,
    });
    expect(out.by_month.map((m) => [m.current_cents, m.proposed_cents, m.customers])).toEqual(
      byMonth.map((m) => [m.current, m.proposed, m.customers]),
    );
    expect(out.counts.pays_more + out.counts.pays_less + out.counts.same).toBe(7);
    expect(out.distribution.reduce((s, b) => s + b.customers, 0)).toBe(7);
    // Amounts move: the test would not notice a simulator that rated nothing.
    expect(current_cents).toBeGreaterThan(7 * 2900);
    expect(proposed_cents).not.toBe(current_cents);
  });

  it("rates a customer without usage at the plan fee alone, leaves out one who joined this month, and pages and sorts the rows", async () => {
    const meter = await makeMeter({ aggregation: "count" });
    const v1 = await makePlan({
      charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.10" }],
      basePriceCents: 1000,
    });
    const quiet = await makeOrg(`A quiet ${uid()}`);
    const busy = await makeOrg(`B busy ${uid()}`);
    const fresh = await makeOrg(`C fresh ${uid()}`);
    await subscribeTo(quiet.id, v1.id, monthsAgo(6));
    await subscribeTo(busy.id, v1.id, monthsAgo(6));
    await subscribeTo(fresh.id, v1.id, new Date());
    for (let m = 1; m <= 3; m++) await rollup(busy.id, meter, monthsAgo(m, 3), { count: 1000 });
    await rollup(fresh.id, meter, monthsAgo(1, 3), { count: 1000 }); // before it joined: not its usage here
    const v2 = await nextVersion(
      v1,
      [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.05" }],
      1500,
    );

    const key = await platformKey();
    const out = (await simulate(v2.id, { months: 3, sort: "customer", order: "asc" }, { key })).json;
    const rows = out.customers.data;
    expect(rows.map((r) => r.customer_id)).toEqual([quiet.id, busy.id]);
    // 3 months: fee 10.00 → 15.00; 1,000 calls a month at 0.10 → 0.05.
    expect(rows[0]).toMatchObject({ current_cents: 3000, proposed_cents: 4500, change_percent: "50.0" });
    expect(rows[1]).toMatchObject({ current_cents: 33_000, proposed_cents: 19_500, difference_cents: -13_500 });
    expect(rows[1]!.change_percent).toBe("-40.9");
    expect(out.counts).toMatchObject({ customers: 2, pays_more: 1, pays_less: 1, same: 0, without_history: 1 });
    expect(out.biggest_increases.map((r) => r.customer_id)).toEqual([quiet.id]);
    expect(out.biggest_decreases.map((r) => r.customer_id)).toEqual([busy.id]);
    expect(out.excludes).toEqual(expect.arrayContaining(["coupons and discounts", "tax"]));

    const page2 = (
      await simulate(v2.id, { months: 3, sort: "difference", order: "desc", limit: 1, offset: 1 }, { key })
    ).json;
    expect(page2.customers).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect(page2.customers.data.map((r) => r.customer_id)).toEqual([busy.id]);
  });

  it("rates a new plan against the subscribers of the plan named in compare_to", async () => {
    const meter = await makeMeter({ aggregation: "count" });
    const today = await makePlan({ basePriceCents: 2000 });
    const org = await makeOrg();
    await subscribeTo(org.id, today.id, monthsAgo(3));
    await rollup(org.id, meter, monthsAgo(1, 5), { count: 400 });
    const draft = await makePlan({
      basePriceCents: 0,
      charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.025" }],
    });
    const key = await platformKey();

    const without = await simulate(draft.id, { months: 2 }, { key });
    expect(without.status).toBe(400);
    expect(without.json.error.details).toEqual([expect.objectContaining({ field: "compare_to" })]);

    const out = (await simulate(draft.id, { months: 2, compare_to: today.id }, { key })).json;
    expect(out.compared_with).toMatchObject({ kind: "plan", code: today.code });
    expect(out.totals).toMatchObject({ current_cents: 4000, proposed_cents: 1000, change_percent: "-75.0" });
    expect(out.by_month.map((m) => m.proposed_cents)).toEqual([0, 1000]);
  });

  it("is for operators only: a customer's key or session is refused", async () => {
    const plan = await makePlan();
    const org = await makeOrg();
    const owner = await makeUser("owner", org.id);
    expect((await simulate(plan.id, { compare_to: plan.id }, { key: await customerKey(org.id) })).status).toBe(403);
    expect((await simulate(plan.id, { compare_to: plan.id }, { cookie: await sessionCookie(owner.id) })).status).toBe(
      403,
    );
    const admin = await makeUser("admin", null);
    const ok = await simulate(plan.id, { compare_to: plan.id }, { cookie: await sessionCookie(admin.id) });
    expect(ok.status).toBe(200);
    expect(ok.json.counts.customers).toBe(0);
  });

  it("refuses bad input with a 4xx naming the field", async () => {
    const plan = await makePlan();
    const key = await platformKey();
    const field = async (body: Record<string, unknown>) => {
      const res = await simulate(plan.id, body, { key });
      expect(res.status).toBe(400);
      return res.json.error.details?.map((d) => d.field);
    };
    expect(await field({ months: 0, compare_to: plan.id })).toEqual(["months"]);
    expect(await field({ months: 25, compare_to: plan.id })).toEqual(["months"]);
    expect(await field({ months: 2.5, compare_to: plan.id })).toEqual(["months"]);
    expect(await field({ compare_to: "plan_nope" })).toEqual(["compare_to"]);
    expect(await field({ compare_to: plan.id, sort: "price" })).toEqual(["sort"]);
    expect(await field({ compare_to: plan.id, limit: 501 })).toEqual(["limit"]);
    expect(await field({ compare_to: plan.id, surprise: 1 })).toEqual(expect.arrayContaining([expect.any(String)]));
    const missing = await simulate("plan_missing", { compare_to: plan.id }, { key });
    expect(missing.status).toBe(404);
  });
});
