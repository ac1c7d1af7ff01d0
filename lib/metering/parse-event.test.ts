import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/canonical-json";
import { applyIdempotencyKey, base36, eventHash, parseFlexPriceEvent, parseLagoEvent } from "./parse-event";

/** eventHash of three events, as computed before the hash became one pass (see the test). */
const PINNED = ["1qzmt8pkco.bq9gco75ml", "21wfocbwvu2.12aw8uetiot", "2fvwdatpkeh.1znjnt9r445"];

describe("parseFlexPriceEvent", () => {
  it("reads FlexPrice's fields and keeps the sent timestamp", () => {
    const r = parseFlexPriceEvent({
      event_name: " api_call ",
      external_customer_id: "acme",
      event_id: "e1",
      timestamp: "2024-03-20T15:04:05Z",
      source: "api",
      properties: { a: "1" },
    });
    expect(r).toMatchObject({
      ok: true,
      event: {
        eventName: "api_call",
        eventId: "e1",
        timestamp: new Date("2024-03-20T15:04:05Z"),
        ref: { externalCustomerId: "acme" },
        source: "api",
      },
    });
  });

  it.each([
    [{ external_customer_id: "a" }, "event_name"],
    [{ event_name: 5 }, "event_name"],
    [{ event_name: "x", timestamp: "2024-03-20 15:04" }, "timestamp"],
    [{ event_name: "x", timestamp: "March 20" }, "timestamp"],
    [{ event_name: "x", properties: [1] }, "properties"],
    [{ event_name: "x", event_id: "x".repeat(300) }, "event_id"],
    ["a string", "(event)"],
  ])("rejects %j naming %s", (raw, field) => {
    expect(parseFlexPriceEvent(raw)).toMatchObject({ ok: false, error: { field } });
  });

  it("fingerprints the same content the same whatever the key order, and different content differently", () => {
    const a = eventHash(["x", "org_1", "1711000000000", ""], canonicalJson({ a: 1, b: { c: 2, d: 3 } }));
    expect(eventHash(["x", "org_1", "1711000000000", ""], canonicalJson({ b: { d: 3, c: 2 }, a: 1 }))).toBe(a);
    expect(eventHash(["x", "org_1", "1711000000000", ""], canonicalJson({ a: 2, b: { c: 2, d: 3 } }))).not.toBe(a);
    expect(eventHash(["x", "org_2", "1711000000000", ""], canonicalJson({ a: 1, b: { c: 2, d: 3 } }))).not.toBe(a);
  });

  it("keeps the fingerprints stored with earlier events: the same values, byte for byte", () => {
    // Values computed by the first implementation (two separate cyrb53 passes); a replay of an event
    // stored before any change must still read as a duplicate, not as an id reused.
    expect(
      eventHash(["api_call", "org_1", "1711000000000", "api"], canonicalJson({ route: "/v1/chat", status: "200" })),
    ).toBe(PINNED[0]);
    expect(
      eventHash(
        ["llm_call", "org_bench_00042", "", ""],
        canonicalJson({ model: "gpt-4", input_tokens: "812", nested: { é: ["x", 1.5, null] } }),
      ),
    ).toBe(PINNED[1]);
    expect(eventHash(["", "", "", ""], canonicalJson({}))).toBe(PINNED[2]);
    expect(canonicalJson({ b: 1, a: [{ y: 1, x: 2 }] })).toBe('{"a":[{"x":2,"y":1}],"b":1}');
  });
});

describe("parseLagoEvent", () => {
  it.each([
    [1711000000, "2024-03-21T05:46:40.000Z"],
    ["1711000000", "2024-03-21T05:46:40.000Z"],
    ["1711000000.5", "2024-03-21T05:46:40.500Z"],
  ])("reads timestamp %j as Unix seconds", (ts, iso) => {
    expect(
      parseLagoEvent({ transaction_id: "t", code: "c", external_subscription_id: "s", timestamp: ts }),
    ).toMatchObject({ ok: true, event: { timestamp: new Date(iso), eventId: "t" } });
  });

  it.each([
    [{ code: "c", external_subscription_id: "s" }, "transaction_id"],
    [{ transaction_id: "t", external_subscription_id: "s" }, "code"],
    [{ transaction_id: "t", code: "c", timestamp: "2024-03-21T05:46:40Z" }, "timestamp"],
    [{ transaction_id: "t", code: "c", timestamp: -1 }, "timestamp"],
  ])("rejects %j naming %s", (raw, field) => {
    expect(parseLagoEvent(raw)).toMatchObject({ ok: false, error: { field } });
  });
});

describe("applyIdempotencyKey", () => {
  it("gives id-less events the key (single) or key#position (batch), and leaves sent ids alone", () => {
    const items = [
      parseFlexPriceEvent({ event_name: "x" }),
      parseFlexPriceEvent({ event_name: "x", event_id: "mine" }),
      parseFlexPriceEvent({ event_name: "x" }),
    ];
    applyIdempotencyKey(items, "k", true);
    expect(items.map((i) => (i.ok ? i.event.eventId : null))).toEqual(["k#0", "mine", "k#2"]);
  });
});

describe("base36", () => {
  it("writes integers below 2^53 exactly as Number#toString(36) does", () => {
    const edges = [
      0,
      1,
      35,
      36,
      37,
      36 ** 2 - 1,
      36 ** 10,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 52,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER - 1,
    ];
    // Around every multiple of 36^5 that a number below 2^53 can be split at: the digits cross from one part to the other there.
    for (let k = 1; k * 36 ** 5 < 2 ** 53; k = Math.ceil(k * 1.37))
      edges.push(k * 36 ** 5 - 1, k * 36 ** 5, k * 36 ** 5 + 1);
    for (const n of edges) expect(base36(n)).toBe(n.toString(36));
    // Random values across the whole range, including every multiple-of-36 neighbourhood the division meets.
    let seed = 42;
    const random = () => ((seed = Math.imul(seed ^ (seed >>> 15), 2246822507) >>> 0), seed);
    for (let i = 0; i < 100_000; i++) {
      const n = (random() & 0x1fffff) * 4294967296 + random();
      expect(base36(n)).toBe(n.toString(36));
    }
  });
});
