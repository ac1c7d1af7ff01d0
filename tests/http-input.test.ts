// Input that used to get a 500 or slip through: a lone surrogate (Postgres cannot store it), JSON
// nested thousands deep (the stack overflowed), and a Content-Type that only mentions json. (The
// malformed Next-Router-State-Tree header is refused by the server in front of Next:
// tests/fast-routes.test.ts.)
import { describe, expect, it } from "vitest";
import * as grants from "@/app/api/v1/credits/grants/route";
import * as customers from "@/app/api/v1/customers/route";
import * as batch from "@/app/api/v1/events/batch/route";
import * as bulk from "@/app/api/v1/events/bulk/route";
import * as single from "@/app/api/v1/events/route";
import { z } from "zod";
import { jsonAction } from "@/lib/http/action";
import { isJsonMediaType } from "@/lib/http/media-type";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";

type Problem = { error: { code: string; message: string; details?: { field: string; message: string }[] } };
type Item = { status: string; error?: { field: string; message: string } };

/** `{"a": {"a": … {"a": 1}}}`, `levels` objects deep; as JSON text when too deep for JSON.stringify. */
const deepText = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
const nested = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
};

describe("lone surrogates", () => {
  it("refuses one in a reason with a 400 naming the field, not a failed statement", async () => {
    const [key, org] = [await platformKey(), await makeOrg()];
    const res = await call<Problem>(grants.POST, "POST", "/api/v1/credits/grants", {
      key,
      body: {
        customer_id: org.id,
        amount: 5,
        source: "promotional",
        reason: "bad \ud800 text",
        idempotency_key: uid(),
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([{ field: "reason", message: expect.stringMatching(/lone surrogate/) }]);
    // A pair is a character like any other.
    const ok = await call(grants.POST, "POST", "/api/v1/credits/grants", {
      key,
      body: {
        customer_id: org.id,
        amount: 5,
        source: "promotional",
        reason: "rocket \ud83d\ude80",
        idempotency_key: uid(),
      },
    });
    expect(ok.status).toBe(201);
  });

  it("refuses the bulk item that holds one alone, and accepts the others", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const e = (extra: Record<string, unknown> = {}) => ({
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: `s-${uid()}`,
      properties: { n: 1 },
      ...extra,
    });
    const res = await call<{ events: Item[] }>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { prefer: "return=representation" },
      body: {
        events: [
          e(),
          e({ event_id: "x\udc00" }),
          e({ properties: { n: 1, label: "\ud800" } }),
          e({ properties: { "k\ud801": 1 } }),
          e(),
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json.events.map((i) => [i.status, i.error?.field ?? null])).toEqual([
      ["accepted", null],
      ["rejected", "event_id"],
      ["rejected", "properties.label"],
      ["rejected", "properties.k\\ud801"],
      ["accepted", null],
    ]);
    const lago = await call<{ events: Item[] }>(batch.POST, "POST", "/api/v1/events/batch", {
      key,
      body: {
        events: [
          { transaction_id: `t-${uid()}`, code: "\ud800", external_customer_id: org.externalId },
          { transaction_id: `t-${uid()}`, code: meter.eventName, external_customer_id: org.externalId },
        ],
      },
    });
    expect(lago.json.events.map((i) => [i.status, i.error?.field ?? null])).toEqual([
      ["rejected", "code"],
      ["accepted", null],
    ]);
  });
});

describe("nesting depth", () => {
  it("refuses event properties nested 20,000 deep with a 400 naming the field", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const res = await call<Problem>(single.POST, "POST", "/api/v1/events", {
      key,
      headers: { "content-type": "application/json" },
      rawBody: `{"event_name": ${JSON.stringify(meter.eventName)}, "external_customer_id": ${JSON.stringify(org.externalId)}, "properties": ${deepText(20_000)}}`,
    });
    expect(res.status).toBe(400);
    expect(res.json.error.details![0]!.field).toBe(`properties${".a".repeat(31)}`);
    expect(res.json.error.details![0]!.message).toMatch(/deeper than 32 levels/);
    // 31 levels under the event (32 counting the event) is within the bound.
    const within = await call(single.POST, "POST", "/api/v1/events", {
      key,
      body: { event_name: meter.eventName, external_customer_id: org.externalId, properties: nested(31) },
    });
    expect(within.status).toBe(202);
  });

  it("refuses the deep item of a batch alone, and any body nested past the bound", async () => {
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const e = (properties: Record<string, unknown>) => ({
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: `d-${uid()}`,
      properties,
    });
    const res = await call<{ events: Item[] }>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { prefer: "return=representation" },
      body: { events: [e({ a: 1 }), e(nested(33)), e({ a: 1 })] },
    });
    expect(res.status).toBe(202);
    expect(res.json.events.map((i) => i.status)).toEqual(["accepted", "rejected", "accepted"]);
    expect(res.json.events[1]!.error!.field).toMatch(/^properties(\.a)+$/);
    const wholeBody = await call<Problem>(bulk.POST, "POST", "/api/v1/events/bulk", {
      key,
      headers: { "content-type": "application/json" },
      rawBody: `{"events": [{"event_name": "x", "properties": ${deepText(20_000)}}]}`,
    });
    expect(wholeBody.status).toBe(400);
    expect(wholeBody.json.error.details![0]!.field).toMatch(/^events\.0\.properties(\.a)+$/);
    const other = await call<Problem>(customers.POST, "POST", "/api/v1/customers", {
      key,
      headers: { "content-type": "application/json" },
      rawBody: `{"name": "Deep", "metadata": ${deepText(20_000)}}`,
    });
    expect(other.status).toBe(400);
    expect(other.json.error.details![0]!.field).toMatch(/^metadata(\.a)+$/);
  });
});

describe("Content-Type", () => {
  it("takes JSON only under application/json or a +json type, whatever the parameters say", async () => {
    const key = await platformKey();
    const send = (type: string) =>
      call<Problem>(customers.POST, "POST", "/api/v1/customers", {
        key,
        rawBody: JSON.stringify({ name: `Typed ${uid()}` }),
        headers: { "content-type": type },
      });
    const refused = await send("text/plain; charset=json");
    expect(refused.status).toBe(415);
    expect(refused.json.error.code).toBe("unsupported_media_type");
    expect((await send("application/jsonx")).status).toBe(415);
    expect((await send("application/json; charset=utf-8")).status).toBe(201);
    expect((await send("Application/Merge-Patch+JSON")).status).toBe(201);
    expect(isJsonMediaType("text/json")).toBe(false);
    expect(isJsonMediaType("application/+json")).toBe(false);
    expect(isJsonMediaType("application/vnd.api+json;charset=utf-8")).toBe(true);
  });
});

describe("server actions with a JSON payload", () => {
  it("refuse a payload nested past the bound or holding a lone surrogate, naming the field, before the schema reads it", async () => {
    let ran = false;
    const action = jsonAction(z.unknown(), async () => {
      ran = true;
      return "ok";
    });
    const submit = (payload: string) => {
      const form = new FormData();
      form.set("payload", payload);
      return action({ ok: false } as never, form);
    };
    expect(await submit(`{"charges": ${deepText(20_000)}}`)).toMatchObject({
      ok: false,
      fieldErrors: { [`charges${".a".repeat(31)}`]: expect.stringMatching(/deeper than 32/) },
    });
    expect(await submit('{"name": "x\\ud800"}')).toMatchObject({
      ok: false,
      fieldErrors: { name: expect.stringMatching(/lone surrogate/) },
    });
    expect(ran).toBe(false);
    expect(await submit('{"name": "fine"}')).toEqual({ ok: true, data: "ok" });
  });
});
