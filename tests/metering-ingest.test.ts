import { describe, expect, it } from "vitest";
import * as single from "@/app/api/v1/events/route";
import * as batch from "@/app/api/v1/events/batch/route";
import * as bulk from "@/app/api/v1/events/bulk/route";
import * as usage from "@/app/api/v1/usage/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as metersRoute from "@/app/api/v1/meters/route";
import * as meterRoute from "@/app/api/v1/meters/[id]/route";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { listIngestLog } from "@/lib/metering/list-events";
import { MAX_BATCH } from "@/lib/metering/schemas";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

type Usage = {
  meters: {
    meter: string;
    value: string | null;
    groups?: { group: Record<string, string | null>; value: string | null }[];
    windows?: { start: string; value: string | null }[];
  }[];
};
type Item = {
  index: number;
  status: string;
  event_id: string | null;
  id?: string;
  id_generated?: boolean;
  error?: { field: string; message: string };
};
type Representation = { accepted: number; duplicate: number; rejected: number; events: Item[] };

async function usageOf(key: string, customer: string, meter: string, extra = "") {
  const res = await call<Usage>(usage.GET, "GET", `/api/v1/usage?customer_id=${customer}&meter=${meter}${extra}`, {
    key,
  });
  expect(res.status).toBe(200);
  return res.json.meters[0]!;
}

describe("single events", () => {
  it("accepts a FlexPrice event with 202 and a flat object of strings, visible in usage at once", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const res = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: { event_name: meter.eventName, external_customer_id: org.externalId, event_id: `e-${uid()}` },
    });
    expect(res.status).toBe(202);
    expect(Object.values(res.json).every((v) => typeof v === "string")).toBe(true);
    expect(res.json.message).toBe("accepted");
    expect((await usageOf(key, org.id, meter.code)).value).toBe("1");
  });

  it("authenticates with the x-api-key header FlexPrice's SDK sends", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const res = await call(single.POST, "POST", "/api/v1/events", {
      headers: { "x-api-key": key },
      body: { event_name: meter.eventName, external_customer_id: org.externalId, event_id: "x" },
    });
    expect(res.status).toBe(202);
  });

  it("answers a retry with 202 'duplicate' and counts the event once", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const body = {
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: "once",
      properties: { n: "5" },
    };
    await call(single.POST, "POST", "/api/v1/events", { key, body });
    const again = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        properties: { n: "5" },
        event_id: "once",
        external_customer_id: org.externalId,
        event_name: meter.eventName,
      },
    });
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ event_id: "once", message: "duplicate" });
    expect((await usageOf(key, org.id, meter.code)).value).toBe("5");
  });

  it("refuses an id reused for different content with a 409, and keeps the first event", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        event_name: meter.eventName,
        external_customer_id: org.externalId,
        event_id: "same",
        properties: { n: 5 },
      },
    });
    const other = await call<{ error: { code: string; details: { field: string }[] } }>(
      single.POST,
      "POST",
      "/api/v1/events",
      {
        key,
        body: {
          event_name: meter.eventName,
          external_customer_id: org.externalId,
          event_id: "same",
          properties: { n: 7 },
        },
      },
    );
    expect(other.status).toBe(409);
    expect(other.json.error.details[0]!.field).toBe("event_id");
    expect((await usageOf(key, org.id, meter.code)).value).toBe("5");
  });

  it("stores an event sent ten times concurrently exactly once", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const body = {
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: `c-${uid()}`,
      properties: { n: "3" },
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call(single.POST, "POST", "/api/v1/events", { key, body })),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(results.filter((r) => r.json.message === "accepted")).toHaveLength(1);
    expect((await usageOf(key, org.id, meter.code)).value).toBe("3");
    const events = await call<{ data: unknown[] }>(single.GET, "GET", `/api/v1/events?customer_id=${org.id}`, { key });
    expect(events.json.data).toHaveLength(1);
  });

  it("rejects with 400 naming the field: unknown customer, unknown event name, non-numeric sum, future time, missing name", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "tokens" }),
    ];
    const base = { event_name: meter.eventName, external_customer_id: org.externalId };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, external_customer_id: `nobody-${uid()}` }, "external_customer_id"],
      [{ ...base, event_name: `unknown_${uid()}` }, "event_name"],
      [{ ...base, properties: { tokens: "twelve" } }, "properties.tokens"],
      [{ ...base, timestamp: new Date(Date.now() + 3_600_000).toISOString() }, "timestamp"],
      [{ external_customer_id: org.externalId }, "event_name"],
      [{ ...base, timestamp: "yesterday" }, "timestamp"],
    ];
    for (const [body, field] of cases) {
      const res = await call<{ error: { code: string; message: string; details: { field: string }[] } }>(
        single.POST,
        "POST",
        "/api/v1/events",
        { key, body: { ...body, event_id: uid() } },
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.details[0]!.field).toBe(field);
      expect(res.json.error.message).toContain(field);
    }
  });

  it("refuses a body over the limit with 413", async () => {
    const key = await platformKey();
    const res = await call(single.POST, "POST", "/api/v1/events", {
      key,
      rawBody: JSON.stringify({ event_name: "x", properties: { blob: "x".repeat(300 * 1024) } }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
  });

  it("gives an event without an id a server-made one (counted again on retry), unless an Idempotency-Key header names it", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const body = { event_name: meter.eventName, external_customer_id: org.externalId };
    const a = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body,
      headers: { prefer: "return=representation" },
    });
    const b = await call(single.POST, "POST", "/api/v1/events", { key, body });
    expect(a.json).toMatchObject({ status: "accepted", id_generated: true });
    expect(b.json.message).toBe("accepted");
    expect((await usageOf(key, org.id, meter.code)).value).toBe("2");
    const k = `idem-${uid()}`;
    const c = await call(single.POST, "POST", "/api/v1/events", { key, body, headers: { "idempotency-key": k } });
    const d = await call(single.POST, "POST", "/api/v1/events", { key, body, headers: { "idempotency-key": k } });
    expect([c.json.message, d.json.message]).toEqual(["accepted", "duplicate"]);
    const text = await (
      await metricsRoute.GET(
        new Request("http://tally.test/api/metrics", { headers: { authorization: `Bearer ${key}` } }),
      )
    ).text();
    expect(text).toMatch(/tally_events_ingested_total\{outcome="accepted",id_source="generated"\} [1-9]/);
  });

  it("lets a customer key send its own events without naming the customer, and refuses another customer's with 403", async () => {
    const [org, other, meter] = [await makeOrg(), await makeOrg(), await makeMeter()];
    const key = await customerKey(org.id);
    expect(
      (
        await call(single.POST, "POST", "/api/v1/events", {
          key,
          body: { event_name: meter.eventName, event_id: "own" },
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await call(single.POST, "POST", "/api/v1/events", {
          key,
          body: { event_name: meter.eventName, event_id: "own2", external_customer_id: org.externalId },
        })
      ).status,
    ).toBe(202);
    const foreign = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: { event_name: meter.eventName, event_id: "x", external_customer_id: other.externalId },
    });
    expect(foreign.status).toBe(403);
    const unknown = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: { event_name: meter.eventName, event_id: "y", external_customer_id: `nobody-${uid()}` },
    });
    expect(unknown.status).toBe(403);
    expect((await usageOf(key, org.id, meter.code)).value).toBe("2");
  });

  it("accepts events from a signed-in member's session for their own organization", async () => {
    const [org, meter] = [await makeOrg(), await makeMeter()];
    const user = await makeUser("member", org.id);
    const cookie = await sessionCookie(user.id);
    const res = await call(single.POST, "POST", "/api/v1/events", {
      cookie,
      body: { event_name: meter.eventName, event_id: "s1" },
    });
    expect(res.status).toBe(202);
  });

  it("takes Lago's {event: …} shape: transaction_id required, Unix-second timestamps, answered in Lago's shape", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "gb" }),
    ];
    const ts = Math.floor(Date.now() / 1000) - 60;
    const ok = await call<{ event: Record<string, unknown> }>(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        event: {
          transaction_id: `t-${uid()}`,
          external_customer_id: org.externalId,
          code: meter.eventName,
          timestamp: String(ts),
          properties: { gb: 10 },
        },
      },
    });
    expect(ok.status).toBe(202);
    expect(ok.json.event).toMatchObject({
      code: meter.eventName,
      status: "accepted",
      lago_customer_id: org.id,
      timestamp: new Date(ts * 1000).toISOString(),
    });
    const missing = await call<{ error: { details: { field: string }[] } }>(single.POST, "POST", "/api/v1/events", {
      key,
      body: { event: { external_customer_id: org.externalId, code: meter.eventName } },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error.details[0]!.field).toBe("transaction_id");
    const badTime = await call<{ error: { details: { field: string }[] } }>(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        event: {
          transaction_id: "t2",
          external_customer_id: org.externalId,
          code: meter.eventName,
          timestamp: "2024-01-01T00:00:00Z",
        },
      },
    });
    expect(badTime.json.error.details[0]!.field).toBe("timestamp");
  });

  it("treats one event sent in Lago's shape and then in FlexPrice's (same id, time and properties) as a duplicate", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const lago = await call<{ event: { status: string } }>(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        event: {
          transaction_id: "both",
          external_customer_id: org.externalId,
          code: meter.eventName,
          timestamp: 1711000000,
          properties: { n: 2 },
        },
      },
    });
    const flex = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        event_id: "both",
        customer_id: org.id,
        event_name: meter.eventName,
        timestamp: "2024-03-21T05:46:40Z",
        properties: { n: 2 },
      },
    });
    expect([lago.json.event.status, flex.json.message]).toEqual(["accepted", "duplicate"]);
  });
});

describe("customer references", () => {
  it("follows a customer's new external id at once, although references are cached", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "count" });
    const send = (ext: string) =>
      call<{ error?: { details: { field: string }[] } }>(single.POST, "POST", "/api/v1/events", {
        key,
        body: { event_id: uid(), event_name: meter.eventName, external_customer_id: ext },
      });
    expect((await send(org.externalId!)).status).toBe(202); // now cached
    const renamed = `renamed-${uid()}`;
    const { updateOrganization } = await import("@/lib/orgs/organizations");
    await updateOrganization(org.id, { externalId: renamed });
    const old = await send(org.externalId!);
    expect(old.status).toBe(400);
    expect(old.json.error!.details[0]!.field).toBe("external_customer_id");
    expect((await send(renamed)).status).toBe(202);
  });
});

describe("batches", () => {
  it("answers each item of a bulk request: accepted, duplicate, rejected with the reason", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "tokens" }),
    ];
    const e = (id: string, extra: Record<string, unknown> = {}) => ({
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: id,
      properties: { tokens: "10" },
      ...extra,
    });
    await call(bulk.POST, "POST", "/api/v1/events/bulk", { key, body: { events: [e("old")] } });
    const res = await call<Representation>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { prefer: "return=representation" },
      body: {
        events: [
          e("a"),
          e("old"),
          e("b", { properties: { tokens: "lots" } }),
          e("c", { external_customer_id: "ghost" }),
          e("a"),
          "not an object",
          e("d", { event_name: `nope_${uid()}` }),
          e("e", { properties: { tokens: 2.5 } }),
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json.events.map((i) => i.status)).toEqual([
      "accepted",
      "duplicate",
      "rejected",
      "rejected",
      "duplicate",
      "rejected",
      "rejected",
      "accepted",
    ]);
    expect(res.json.events.map((i) => i.error?.field ?? null)).toEqual([
      null,
      null,
      "properties.tokens",
      "external_customer_id",
      null,
      "(event)",
      "event_name",
      null,
    ]);
    expect(res.json).toMatchObject({ accepted: 2, duplicate: 2, rejected: 4 });
    expect((await usageOf(key, org.id, meter.code)).value).toBe("22.5");
    const logged = await listIngestLog(org.id, { limit: 10 });
    expect(logged.find((l) => l.eventId === "b")).toMatchObject({ outcome: "rejected", field: "properties.tokens" });
  });

  it("keeps event ids apart per customer: one id sent for two customers in one batch is two events", async () => {
    const [key, a, b, meter] = [await platformKey(), await makeOrg(), await makeOrg(), await makeMeter()];
    const e = (externalId: string | null) => ({
      event_name: meter.eventName,
      external_customer_id: externalId,
      event_id: "shared-id",
    });
    const res = await call<Representation>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { prefer: "return=representation" },
      body: { events: [e(a.externalId), e(b.externalId), e(a.externalId)] },
    });
    expect(res.json.events.map((i) => i.status)).toEqual(["accepted", "accepted", "duplicate"]);
    expect((await usageOf(key, a.id, meter.code)).value).toBe("1");
    expect((await usageOf(key, b.id, meter.code)).value).toBe("1");
  });

  it("refuses an item carrying U+0000 (which Postgres cannot store) alone, naming the field, in both shapes", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const e = (id: string, extra: Record<string, unknown> = {}) => ({
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: id,
      ...extra,
    });
    const res = await call<Representation>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { prefer: "return=representation" },
      body: {
        events: [
          e("fine"),
          e("nul\u0000id"),
          e("nul-prop", { properties: { route: "/v1\u0000" } }),
          e("nul-key", { properties: { nested: { "a\u0000": 1 } } }),
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json.events.map((i) => [i.status, i.error?.field ?? null])).toEqual([
      ["accepted", null],
      ["rejected", "event_id"],
      ["rejected", "properties.route"],
      ["rejected", "properties.nested.a\\u0000"],
    ]);
    expect(res.json.events[1]!.error!.message).toMatch(/NUL/);
    const lago = await call<{ events: { status: string; error?: { field: string } }[] }>(
      batch.POST,
      "POST",
      "/api/v1/events/batch",
      {
        key,
        body: {
          events: [
            { transaction_id: "t\u0000", code: meter.eventName, external_customer_id: org.externalId },
            { transaction_id: `t-${uid()}`, code: meter.eventName, external_customer_id: org.externalId },
          ],
        },
      },
    );
    expect(lago.status).toBe(202);
    expect(lago.json.events.map((i) => [i.status, i.error?.field ?? null])).toEqual([
      ["rejected", "transaction_id"],
      ["accepted", null],
    ]);
    // A single event with U+0000 is a 400 naming the field, not a failed statement.
    const one = await call<{ error: { details: { field: string }[] } }>(single.POST, "POST", "/api/v1/events", {
      key,
      body: e("x", { source: "a\u0000b" }),
    });
    expect(one.status).toBe(400);
    expect(one.json.error.details[0]!.field).toBe("source");
  });

  it("answers a bulk request by default with a flat object of string counts (the FlexPrice SDK's check)", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const res = await call(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      body: {
        events: [
          { event_name: meter.eventName, external_customer_id: org.externalId, event_id: "1" },
          { event_name: meter.eventName, external_customer_id: org.externalId, event_id: "1" },
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      message: "1 accepted, 1 duplicate, 0 rejected",
      accepted: "1",
      duplicate: "1",
      rejected: "0",
    });
  });

  it("refuses an empty batch and one over 1,000 events, naming the field", async () => {
    const key = await platformKey();
    const empty = await call<{ error: { details: { field: string }[] } }>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      body: { events: [] },
    });
    expect(empty.status).toBe(400);
    expect(empty.json.error.details[0]!.field).toBe("events");
    const big = await call(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      body: { events: Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ event_name: "x", event_id: String(i) })) },
    });
    expect(big.status).toBe(400);
  });

  it("stores overlapping concurrent batches once per id, with the rollups matching the stored events", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const events = Array.from({ length: 200 }, (_, i) => ({
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: `o-${i}`,
      properties: { n: "1" },
    }));
    const batches = [events.slice(0, 120), events.slice(80, 200), events.slice(40, 160), events];
    const results = await Promise.all(
      batches.map((b) =>
        call<Representation>(bulk.POST, "POST", "/api/v1/events/bulk", {
          key,
          headers: { prefer: "return=representation" },
          body: { events: b },
        }),
      ),
    );
    expect(results.reduce((a, r) => a + r.json.accepted, 0)).toBe(200);
    expect((await usageOf(key, org.id, meter.code)).value).toBe("200");
  });

  it("rejects another customer's items of a customer key's batch and keeps the rest", async () => {
    const [org, other, meter] = [await makeOrg(), await makeOrg(), await makeMeter()];
    const key = await customerKey(org.id);
    const res = await call<Representation>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { prefer: "return=representation" },
      body: {
        events: [
          { event_name: meter.eventName, event_id: "mine" },
          { event_name: meter.eventName, event_id: "theirs", external_customer_id: other.externalId },
        ],
      },
    });
    expect(res.json.events.map((i) => i.status)).toEqual(["accepted", "rejected"]);
    expect(res.json.events[1]!.error!.field).toBe("external_customer_id");
  });

  it("gives id-less items of a bulk request with an Idempotency-Key an id per position, so the retry is a duplicate", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const body = {
      events: [
        { event_name: meter.eventName, external_customer_id: org.externalId },
        { event_name: meter.eventName, external_customer_id: org.externalId },
      ],
    };
    const k = `bulk-${uid()}`;
    await call(bulk.POST, "POST", "/api/v1/events/bulk", { key, body, headers: { "idempotency-key": k } });
    const again = await call(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      body,
      headers: { "idempotency-key": k },
    });
    expect(again.json).toMatchObject({ accepted: "0", duplicate: "2" });
  });

  it("takes Lago batches: subscriptions named by external id or Tally id, transaction_id required, Lago's answer per item", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const plan = await makePlan();
    const sub = await subscribeTo(org.id, plan.id);
    const { subscribe } = await import("@/lib/subscriptions/subscribe");
    const org2 = await makeOrg();
    const sub2 = await subscribe(org2.id, { plan: { id: plan.id }, actor: "test", externalId: `sub-${uid()}` });
    const res = await call<{
      events: {
        status: string;
        transaction_id: string;
        lago_customer_id: string | null;
        lago_subscription_id: string | null;
        error?: { field: string };
      }[];
    }>(batch.POST, "POST", "/api/v1/events/batch", {
      key,
      body: {
        events: [
          {
            transaction_id: "l1",
            external_subscription_id: sub.id,
            code: meter.eventName,
            timestamp: Math.floor(Date.now() / 1000),
          },
          {
            transaction_id: "l2",
            external_subscription_id: sub2.externalId,
            code: meter.eventName,
            timestamp: `${Math.floor(Date.now() / 1000)}.25`,
          },
          { external_subscription_id: sub.id, code: meter.eventName },
          { transaction_id: "l4", external_subscription_id: "no-such-sub", code: meter.eventName },
          {
            transaction_id: "l5",
            external_subscription_id: sub.id,
            external_customer_id: org2.externalId,
            code: meter.eventName,
          },
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json.events.map((e) => e.status)).toEqual(["accepted", "accepted", "rejected", "rejected", "rejected"]);
    expect(res.json.events[0]).toMatchObject({ lago_customer_id: org.id, lago_subscription_id: sub.id });
    expect(res.json.events[1]).toMatchObject({ lago_customer_id: org2.id, lago_subscription_id: sub2.id });
    expect(res.json.events.slice(2).map((e) => e.error!.field)).toEqual([
      "transaction_id",
      "external_subscription_id",
      "external_customer_id",
    ]);
  });
});

describe("meters at ingest", () => {
  it("feeds several meters from one event, applying filters and group_by", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const name = `llm_${uid()}`;
    const input = await makeMeter({
      eventName: name,
      aggregation: "sum",
      property: "input_tokens",
      groupBy: ["model"],
    });
    const output = await makeMeter({
      eventName: name,
      aggregation: "sum",
      property: "output_tokens",
      groupBy: ["model"],
    });
    const gpt4 = await makeMeter({ eventName: name, aggregation: "count", filters: { model: ["gpt-4"] } });
    const send = (id: string, model: string, i: string, o: string) => ({
      event_name: name,
      external_customer_id: org.externalId,
      event_id: id,
      properties: { model, input_tokens: i, output_tokens: o },
    });
    await call(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      body: {
        events: [send("1", "gpt-4", "100", "10"), send("2", "gpt-4", "50", "5"), send("3", "claude-3", "7", "1")],
      },
    });
    const inUse = await usageOf(key, org.id, input.code, "&group_by=model");
    expect(inUse.value).toBe("157");
    expect(inUse.groups).toEqual([
      { group: { model: "claude-3" }, value: "7" },
      { group: { model: "gpt-4" }, value: "150" },
    ]);
    expect((await usageOf(key, org.id, output.code)).value).toBe("16");
    expect((await usageOf(key, org.id, gpt4.code)).value).toBe("2");
  });

  it("sums numeric strings exactly, keeps the max, and the latest value by event time whatever the arrival order", async () => {
    const org = await makeOrg();
    const name = `g_${uid()}`;
    const sum = await makeMeter({ eventName: name, aggregation: "sum", property: "v" });
    const max = await makeMeter({ eventName: name, aggregation: "max", property: "v" });
    const latest = await makeMeter({ eventName: name, aggregation: "latest", property: "v" });
    const t = (min: number) => new Date(Date.now() - min * 60_000);
    await ingestEvents(org.id, [
      { eventId: "a", eventName: name, timestamp: t(10), properties: { v: "0.1" } },
      { eventId: "b", eventName: name, timestamp: t(1), properties: { v: "0.2" } },
    ]);
    await ingestEvents(org.id, [{ eventId: "c", eventName: name, timestamp: t(5), properties: { v: 9 } }]);
    const key = await platformKey();
    expect((await usageOf(key, org.id, sum.code)).value).toBe("9.3");
    expect((await usageOf(key, org.id, max.code)).value).toBe("9");
    expect((await usageOf(key, org.id, latest.code)).value).toBe("0.2");
  });

  it("counts distinct values exactly per hour, per day and over the range", async () => {
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "unique_count", property: "user" });
    const day = new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 2 * 86_400_000,
    );
    const at = (h: number, d = 0) => new Date(day.getTime() + d * 86_400_000 + h * 3_600_000 + 60_000);
    const ev = (id: string, user: string, ts: Date) => ({
      eventId: id,
      eventName: meter.eventName,
      timestamp: ts,
      properties: { user },
    });
    await ingestEvents(org.id, [
      ev("1", "ann", at(1)),
      ev("2", "bob", at(1)),
      ev("3", "ann", at(2)),
      ev("4", "cat", at(5)),
      ev("5", "ann", at(3, 1)),
      ev("6", "dan", at(4, 1)),
    ]);
    const key = await platformKey();
    const from = day.toISOString();
    const to = new Date(day.getTime() + 2 * 86_400_000).toISOString();
    const byDay = await usageOf(key, org.id, meter.code, `&from=${from}&to=${to}&window=day`);
    expect(byDay.value).toBe("4");
    expect(byDay.windows!.map((w) => w.value)).toEqual(["3", "2"]);
    const byHour = await usageOf(
      key,
      org.id,
      meter.code,
      `&from=${from}&to=${new Date(day.getTime() + 6 * 3_600_000).toISOString()}&window=hour`,
    );
    expect(byHour.windows!.map((w) => w.value)).toEqual(["0", "2", "1", "0", "0", "1"]);
    const partial = await usageOf(
      key,
      org.id,
      meter.code,
      `&from=${new Date(day.getTime() + 2 * 3_600_000).toISOString()}&to=${new Date(day.getTime() + 28 * 3_600_000).toISOString()}`,
    );
    // Hours 2 to 27: ann (at 2h and 27h, once), cat (5h); not bob (1h), not dan (28h, the end is exclusive).
    expect(partial.value).toBe("2");
  });

  it("lets other domains record usage with ingestEvents inside their own transaction, keyed call_id:metric", async () => {
    const { db } = await import("@/lib/db/client");
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "sum", property: "minutes" });
    const record = () =>
      db.transaction((tx) =>
        ingestEvents(
          org.id,
          [{ eventId: "call_1:voice_minutes", eventName: meter.eventName, properties: { minutes: 5.5 } }],
          { tx, via: "calls" },
        ),
      );
    expect((await record()).accepted).toBe(1);
    expect((await record()).duplicate).toBe(1);
    expect((await usageOf(await platformKey(), org.id, meter.code)).value).toBe("5.5");
  });
});

describe("listing events", () => {
  it("lists a customer's events newest first with filters and a cursor, and never another customer's", async () => {
    const [key, org, other, meter] = [await platformKey(), await makeOrg(), await makeOrg(), await makeMeter()];
    const other2 = await makeMeter();
    const base = Date.now() - 3_600_000;
    await ingestEvents(
      org.id,
      Array.from({ length: 5 }, (_, i) => ({
        eventId: `e${i}`,
        eventName: meter.eventName,
        timestamp: new Date(base + i * 1000),
      })),
    );
    await ingestEvents(org.id, [{ eventId: "z", eventName: other2.eventName, timestamp: new Date(base) }]);
    await ingestEvents(other.id, [{ eventId: "o", eventName: meter.eventName }]);
    const first = await call<{ data: { event_id: string }[]; next_cursor: string | null }>(
      single.GET,
      "GET",
      `/api/v1/events?customer_id=${org.externalId}&event_name=${meter.eventName}&limit=3`,
      { key },
    );
    expect(first.json.data.map((e) => e.event_id)).toEqual(["e4", "e3", "e2"]);
    const next = await call<{ data: { event_id: string }[]; next_cursor: string | null }>(
      single.GET,
      "GET",
      `/api/v1/events?customer_id=${org.id}&event_name=${meter.eventName}&limit=3&cursor=${first.json.next_cursor}`,
      { key },
    );
    expect(next.json.data.map((e) => e.event_id)).toEqual(["e1", "e0"]);
    expect(next.json.next_cursor).toBeNull();
    const mine = await call(single.GET, "GET", `/api/v1/events?customer_id=${other.id}`, {
      key: await customerKey(org.id),
    });
    expect(mine.status).toBe(403);
  });
});

// A customer key sent -100000000000 tokens and cut its own overage bill: sum meters refuse
// negative values unless the meter was made to take corrections.
describe("negative values on sum meters", () => {
  it("rejects the event naming the property, unless the meter allows negatives (set on create or by PATCH)", async () => {
    const [key, org] = [await platformKey(), await makeOrg()];
    const own = await customerKey(org.id);
    const code = `tokens_${uid()}`;
    const created = await call<{ allow_negative: boolean; id: string }>(metersRoute.POST, "POST", "/api/v1/meters", {
      key,
      body: { code, name: "Tokens", event_name: code, aggregation: "sum", property: "tokens" },
    });
    expect(created.status).toBe(201);
    expect(created.json.allow_negative).toBe(false);
    const send = (tokens: unknown) =>
      call<Representation>(bulk.POST, "POST", "/api/v1/events/bulk", {
        key: own,
        headers: { prefer: "return=representation" },
        body: {
          events: [
            { event_name: code, event_id: `n-${uid()}`, properties: { tokens } },
            { event_name: code, event_id: `p-${uid()}`, properties: { tokens: 7 } },
          ],
        },
      });
    const refused = await send("-100000000000");
    expect(refused.json.events.map((i) => [i.status, i.error?.field ?? null])).toEqual([
      ["rejected", "properties.tokens"],
      ["accepted", null],
    ]);
    expect(refused.json.events[0]!.error!.message).toMatch(/must not be negative/);
    const one = await call<{ error: { details: { field: string }[] } }>(single.POST, "POST", "/api/v1/events", {
      key: own,
      body: { event_name: code, properties: { tokens: -1 } },
    });
    expect(one.status).toBe(400);
    expect(one.json.error.details[0]!.field).toBe("properties.tokens");

    const patched = await call<{ allow_negative: boolean }>(
      meterRoute.PATCH,
      "PATCH",
      `/api/v1/meters/${created.json.id}`,
      { key, params: { id: created.json.id }, body: { allow_negative: true } },
    );
    expect(patched.json.allow_negative).toBe(true);
    const correction = await send(-3);
    expect(correction.json.events.map((i) => i.status)).toEqual(["accepted", "accepted"]);

    // Only a sum adds values up: the option is refused elsewhere.
    const count = await call<{ error: { details: { field: string }[] } }>(metersRoute.POST, "POST", "/api/v1/meters", {
      key,
      body: { code: `c_${uid()}`, name: "C", event_name: "c", aggregation: "count", allow_negative: true },
    });
    expect(count.status).toBe(400);
    expect(count.json.error.details[0]!.field).toBe("allow_negative");
  });
});
