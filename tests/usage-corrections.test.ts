// Correcting usage (lib/metering/corrections.ts): retraction by id, range and filter; the rollups
// after a retraction equal a fresh aggregation of the events that remain, for every aggregation;
// idempotency, event ids after retraction, batches, and who may retract.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as retract from "@/app/api/v1/events/retract/route";
import * as corrections from "@/app/api/v1/usage-corrections/route";
import * as usage from "@/app/api/v1/usage/route";
import { db } from "@/lib/db/client";
import { date, decimal, int, json, nullable, selectRows, text } from "@/lib/db/rows";
import { usageCorrections } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { D } from "@/lib/money";
import { contributionsOf } from "@/lib/metering/contributions";
import { insertCreditEvent } from "@/lib/catalog/seed-catalog";
import { getCreditBalance } from "@/lib/credits/balance";
import { drawDown } from "@/lib/credits/drawdown";
import { createLink } from "@/lib/credits/drawdown-links";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { finishCorrection, retractBatch } from "@/lib/metering/corrections";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { meterIndex } from "@/lib/metering/meters";
import { aggregateBatch } from "@/lib/metering/rollup-batch";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 3, 21); // three hours before midnight: the events span two UTC days

/** One event name read by a meter of every aggregation (sum grouped by model, max, latest, unique). */
async function catalog() {
  const eventName = `llm_${uid()}`;
  const meters = {
    count: await makeMeter({ eventName }),
    sum: await makeMeter({ eventName, aggregation: "sum", property: "tokens", groupBy: ["model"] }),
    max: await makeMeter({ eventName, aggregation: "max", property: "tokens" }),
    latest: await makeMeter({ eventName, aggregation: "latest", property: "tokens" }),
    unique: await makeMeter({ eventName, aggregation: "unique_count", property: "user" }),
  };
  return { eventName, meters };
}

/** 30 events over five hours (two days): tokens 1..30 (one with a fraction), two models, five users. */
async function sendEvents(orgId: string, eventName: string, prefix: string) {
  await ingestEvents(
    orgId,
    Array.from({ length: 30 }, (_, i) => ({
      eventId: `${prefix}-${i}`,
      eventName,
      timestamp: new Date(T0 + i * 10 * 60_000 + i * 1000),
      properties: { tokens: i === 7 ? "7.25" : i + 1, model: i % 3 === 0 ? "gpt-4" : "claude", user: `u${i % 5}` },
    })),
  );
}

const norm = (v: string | null) => (v === null ? null : new D(v).toFixed());

/** The stored rollups of a customer, shards added up, as comparable rows. */
async function storedRollups(orgId: string) {
  const shards = await selectRows(
    {
      m: text,
      b: date,
      k: text,
      n: int,
      s: nullable(decimal),
      x: nullable(decimal),
      lv: nullable(decimal),
      lt: nullable(date),
    },
    sql`select meter_id as m, bucket_start as b, group_key as k, event_count as n, value_sum as s, value_max as x, latest_value as lv, latest_at as lt
          from usage_rollups where org_id = ${orgId} and event_count > 0`,
  );
  const out = new Map<
    string,
    { n: number; s: string | null; x: string | null; lv: string | null; lt: number | null }
  >();
  for (const r of shards) {
    const key = `${r.m}|${r.b.getTime()}|${r.k}`;
    const had = out.get(key);
    const lt = r.lt?.getTime() ?? null;
    if (!had) {
      out.set(key, { n: r.n, s: norm(r.s), x: norm(r.x), lv: norm(r.lv), lt });
      continue;
    }
    had.n += r.n;
    if (r.s !== null) had.s = norm(new D(had.s ?? 0).plus(r.s).toFixed());
    if (r.x !== null && (had.x === null || new D(r.x).gt(had.x))) had.x = norm(r.x);
    if (lt !== null && (had.lt === null || lt > had.lt)) {
      had.lt = lt;
      had.lv = norm(r.lv);
    }
  }
  return out;
}

/** The same, aggregated afresh from the customer's raw events that count. */
async function freshRollups(orgId: string) {
  const meters = await meterIndex({ fresh: true });
  const events = await selectRows(
    { n: text, t: date, p: json<Record<string, unknown>>() },
    sql`select event_name as n, "timestamp" as t, properties as p from usage_events where org_id = ${orgId} order by "timestamp", ingested_at, id`,
  );
  const { rollups, uniques } = aggregateBatch(
    events.map((e, index) => {
      const c = contributionsOf(meters.byEvent.get(e.n) ?? [], e.p);
      if (!c.ok) throw new Error(c.error.message);
      return { index, orgId, timestamp: e.t, rollups: c.rollups, uniques: c.uniques };
    }),
  );
  const out = new Map(
    rollups.map((r) => [`${r.m}|${r.b}|${r.k}`, { n: r.n, s: norm(r.s), x: norm(r.x), lv: norm(r.lv), lt: r.lt }]),
  );
  return {
    rollups: out,
    uniques: uniques.map((u) => `${u.m}|${u.d}|${u.k}|${u.v}|${u.h}`).sort(),
    events: events.length,
  };
}

async function storedUniques(orgId: string) {
  const found = await selectRows(
    { m: text, d: text, k: text, v: text, h: int },
    sql`select meter_id as m, day::text as d, group_key as k, value as v, hours as h from usage_unique_values where org_id = ${orgId}`,
  );
  return found.map((u) => `${u.m}|${u.d}|${u.k}|${u.v}|${u.h}`).sort();
}

async function expectRollupsFresh(orgId: string) {
  const fresh = await freshRollups(orgId);
  expect(Object.fromEntries(await storedRollups(orgId))).toEqual(Object.fromEntries(fresh.rollups));
  expect(await storedUniques(orgId)).toEqual(fresh.uniques);
  return fresh.events;
}

type Correction = { id: string; status: string; events_retracted: number; reason: string; requested_by: string };

async function retractAs(key: string, body: Record<string, unknown>, idem = uid()) {
  return call<Correction & { error: { code: string; details: { field: string }[] } }>(
    retract.POST,
    "POST",
    "/api/v1/events/retract",
    { key, body, headers: { "idempotency-key": idem } },
  );
}

async function sumOf(key: string, orgId: string, meterCode: string) {
  const res = await call<{ meters: { value: string }[] }>(
    usage.GET,
    "GET",
    `/api/v1/usage?customer_id=${orgId}&meter=${meterCode}&window=day&from=2026-03-03T00:00:00Z&to=2026-03-05T00:00:00Z`,
    { key },
  );
  return res.json.meters[0]!.value;
}

describe("retracting usage", () => {
  it("by id, by filter and by range: usage drops, and every rollup equals a fresh aggregation of what remains", async () => {
    const [key, org, { eventName, meters }] = [await platformKey(), await makeOrg(), await catalog()];
    const other = await makeOrg();
    await sendEvents(org.id, eventName, "a");
    await sendEvents(other.id, eventName, "a"); // the same ids at another customer: untouched
    await expectRollupsFresh(org.id);
    // 1 + … + 30 with 8 sent as 7.25.
    expect(await sumOf(key, org.id, meters.sum.code)).toBe("464.25");

    // By id: the latest (the last event) and the max go; an unknown id is just not found.
    const byId = await retractAs(key, {
      customer_id: org.id,
      reason: "duplicate sends from a retrying worker",
      event_ids: ["a-29", "a-7", "nope"],
    });
    expect(byId.status).toBe(200);
    expect(byId.json).toMatchObject({ status: "completed", events_retracted: 2 });
    expect(await sumOf(key, org.id, meters.sum.code)).toBe(String(464.25 - 30 - 7.25));
    expect(await expectRollupsFresh(org.id)).toBe(28);

    // By filter: the gpt-4 events of the first two hours.
    const byFilter = await retractAs(key, {
      customer_id: org.id,
      reason: "gpt-4 was misreported",
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 2 * HOUR).toISOString(),
      event_name: eventName,
      properties: { model: ["gpt-4"] },
    });
    // i = 0, 3, 6, 9 (the events in the first two hours are i < 12)
    expect(byFilter.json).toMatchObject({ status: "completed", events_retracted: 4 });
    expect(await expectRollupsFresh(org.id)).toBe(24);

    // By range: the hour after midnight, across the day boundary for the unique counts.
    const byRange = await retractAs(key, {
      external_customer_id: org.externalId ?? org.id,
      reason: "a test hour",
      from: new Date(T0 + 3 * HOUR).toISOString(),
      to: new Date(T0 + 4 * HOUR).toISOString(),
    });
    expect(byRange.json.events_retracted).toBe(6);
    expect(await expectRollupsFresh(org.id)).toBe(18);

    // The other customer's usage is as it was.
    expect(await sumOf(key, other.id, meters.sum.code)).toBe("464.25");
    expect(await expectRollupsFresh(other.id)).toBe(30);

    // The audit trail, newest first: who, why, which events.
    const list = await call<{ data: (Correction & { selector: Record<string, unknown> })[] }>(
      corrections.GET,
      "GET",
      `/api/v1/usage-corrections?customer_id=${org.id}`,
      { key },
    );
    expect(list.json.data.map((c) => [c.reason, c.events_retracted])).toEqual([
      ["a test hour", 6],
      ["gpt-4 was misreported", 4],
      ["duplicate sends from a retrying worker", 2],
    ]);
    expect(list.json.data[2]!.selector).toEqual({ kind: "ids", event_ids: ["a-29", "a-7", "nope"] });
    expect(list.json.data[0]!.requested_by).toMatch(/^key:/);
  });

  it("is idempotent by key, and a retracted id stays used: corrected events go in under new ids", async () => {
    const [key, org, { eventName, meters }] = [await platformKey(), await makeOrg(), await catalog()];
    await sendEvents(org.id, eventName, "b");
    const body = { customer_id: org.id, reason: "wrong token counts", event_ids: ["b-0", "b-1"] };
    const first = await retractAs(key, body, "same-key");
    const again = await retractAs(key, body, "same-key");
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await retractAs(key, { ...body, event_ids: ["b-2"] }, "same-key")).status).toBe(409);
    const [{ n }] = await selectRows(
      { n: int },
      sql`select count(*) as n from usage_corrections where org_id = ${org.id}`,
    ).then((r) => r as [{ n: number }]);
    expect(n).toBe(1);
    expect(await sumOf(key, org.id, meters.sum.code)).toBe(String(464.25 - 1 - 2));

    // The sender retries the old event: a duplicate, not counted. The corrected one has a new id.
    const resent = await ingestEvents(org.id, [
      { eventId: "b-0", eventName, timestamp: new Date(T0), properties: { tokens: 1, model: "gpt-4", user: "u0" } },
      {
        eventId: "b-0-fixed",
        eventName,
        timestamp: new Date(T0),
        properties: { tokens: 100, model: "gpt-4", user: "u0" },
      },
    ]);
    expect(resent.outcomes.map((o) => o.status)).toEqual(["duplicate", "accepted"]);
    expect(await sumOf(key, org.id, meters.sum.code)).toBe(String(464.25 - 1 - 2 + 100));
    await expectRollupsFresh(org.id);
  });

  it("runs a large retraction in batches with a cursor, reads consistent between them", async () => {
    const [key, org, { eventName, meters }] = [await platformKey(), await makeOrg(), await catalog()];
    await sendEvents(org.id, eventName, "c");
    const [c] = await db
      .insert(usageCorrections)
      .values({
        id: newId("ucr"),
        orgId: org.id,
        reason: "batched",
        requestedBy: "test",
        selector: { kind: "range", from: new Date(T0).toISOString(), to: new Date(T0 + 5 * HOUR).toISOString() },
      })
      .returning();
    let batches = 0;
    while (!(await retractBatch(c!.id, 7))) {
      batches++;
      // Between batches: a partial state, but every hour matches its remaining events.
      await expectRollupsFresh(org.id);
    }
    expect(batches).toBe(4); // 30 events in batches of 7: four full batches, the fifth finds 2 and ends
    await finishCorrection(c!.id);
    const [row] = await db
      .select()
      .from(usageCorrections)
      .where(sql`id = ${c!.id}`);
    expect(row).toMatchObject({ status: "completed", eventsRetracted: 30, allMoved: true });
    expect(await sumOf(key, org.id, meters.sum.code)).toBe("0");
    expect(await expectRollupsFresh(org.id)).toBe(0);
  });

  it("credits drawn by retracted events go back to the buckets they came from; undrawn ones are never drawn", async () => {
    const [key, org] = [await platformKey(), await makeOrg()];
    const meter = await makeMeter({ aggregation: "sum", property: "tokens" });
    const event = await insertCreditEvent({ code: `ce_${uid()}`, name: "Tokens", credits: 3 });
    await createLink({ meter: meter.code, creditEvent: event.code });
    const grant = async (amount: number, source: "purchased" | "promotional") =>
      grantCredits(org.id, {
        amount,
        source,
        expiresAt: null,
        reason: "test",
        idempotencyKey: `g_${uid()}`,
        actor: "test",
      });
    await grant(15, "purchased");
    await grant(100, "promotional");
    const send = (ids: string[], tokens: (string | number)[]) =>
      ingestEvents(
        org.id,
        ids.map((eventId, i) => ({ eventId, eventName: meter.eventName, properties: { tokens: tokens[i] } })),
      );
    // 0.5 → ceil(1.5) = 2, 2 → 6, 4 → 12: 20 credits, purchased first (15) then promotional (5).
    await send(["k1", "k2", "k3"], ["0.5", 2, 4]);
    await drawDown(org.id, new Date(), { marginMs: 0 });
    // Spent buckets drop out of the balance's list: 0.
    const buckets = async () => {
      const list = (await getCreditBalance(org.id))!.buckets;
      const of = (source: string) => list.filter((b) => b.source === source).reduce((n, b) => n + b.remaining, 0);
      return { purchased: of("purchased"), promotional: of("promotional") };
    };
    expect(await buckets()).toEqual({ purchased: 0, promotional: 95 });
    // Two more, not drawn yet: 1 → 3, 5 → 15.
    await send(["k4", "k5"], [1, 5]);

    // k1 (2 credits) and k3 (12) were drawn, k4 (3) was not.
    const res = await retractAs(key, { customer_id: org.id, reason: "test traffic", event_ids: ["k1", "k3", "k4"] });
    expect(res.json).toMatchObject({ status: "completed", events_retracted: 3, events_drawn: 2, credits_refunded: 14 });
    // Back to the buckets drawn, last-drawn first: 5 to promotional, 9 to purchased.
    expect(await buckets()).toEqual({ purchased: 9, promotional: 100 });
    // The next drawdown spends k5 only (15), not the retracted k4.
    await drawDown(org.id, new Date(), { marginMs: 0 });
    expect(await buckets()).toEqual({ purchased: 0, promotional: 94 });
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);

    // Run again (the job after a crash): nothing is refunded twice.
    await finishCorrection(res.json.id);
    await db
      .update(usageCorrections)
      .set({ status: "running" })
      .where(sql`id = ${res.json.id}`);
    await finishCorrection(res.json.id);
    expect(await buckets()).toEqual({ purchased: 0, promotional: 94 });
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("only operators retract or read corrections; bad selectors are 400s naming the field", async () => {
    const [key, org] = [await platformKey(), await makeOrg()];
    const { eventName } = await catalog();
    await sendEvents(org.id, eventName, "d");
    const body = { customer_id: org.id, reason: "mine", event_ids: ["d-0"] };
    expect((await retractAs(await customerKey(org.id), body)).status).toBe(403);
    const owner = await sessionCookie((await makeUser("owner", org.id)).id);
    const asOwner = await call(retract.POST, "POST", "/api/v1/events/retract", {
      cookie: owner,
      body,
      headers: { "idempotency-key": uid() },
    });
    expect(asOwner.status).toBe(403);
    expect(
      (await call(corrections.GET, "GET", `/api/v1/usage-corrections?customer_id=${org.id}`, { cookie: owner })).status,
    ).toBe(403);
    // An admin session may.
    const admin = await sessionCookie((await makeUser("admin", null)).id);
    const asAdmin = await call<Correction>(retract.POST, "POST", "/api/v1/events/retract", {
      cookie: admin,
      body,
      headers: { "idempotency-key": uid() },
    });
    expect(asAdmin.json).toMatchObject({ status: "completed", events_retracted: 1 });
    expect(asAdmin.json.requested_by).toMatch(/^user:/);

    const field = async (b: Record<string, unknown>, idem: string | null = uid()) => {
      const res = await call<{ error: { details: { field: string }[] } }>(
        retract.POST,
        "POST",
        "/api/v1/events/retract",
        {
          key,
          body: b,
          headers: idem ? { "idempotency-key": idem } : {},
        },
      );
      expect(res.status).toBe(400);
      return res.json.error.details[0]!.field;
    };
    const base = { customer_id: org.id, reason: "why" };
    expect(await field({ ...base, event_ids: ["x"], from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" })).toBe(
      "from",
    );
    expect(await field(base)).toBe("event_ids");
    expect(await field({ ...base, from: "2026-03-01T00:00:00Z" })).toBe("to");
    expect(await field({ ...base, from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z" })).toBe("to");
    expect(await field({ ...base, from: "2024-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z" })).toBe("to");
    expect(await field({ ...base, event_ids: Array.from({ length: 1001 }, (_, i) => `e${i}`) })).toBe("event_ids");
    expect(await field({ ...base, event_ids: ["x"], event_name: eventName })).toBe("event_name");
    expect(await field({ customer_id: org.id, event_ids: ["x"] })).toBe("reason");
    expect(await field({ reason: "why", event_ids: ["x"] })).toBe("customer_id");
    expect(await field({ ...base, event_ids: ["x"] }, null)).toBe("idempotency_key");
  });
});
