// The two ingest statements (lib/metering/store-events.ts): the fast one, which assumes every key is
// new and aggregates rollups in the process, and the checked one, which claims each key and
// aggregates in SQL. They must leave the same rollups and distinct values, and a batch that meets a
// stored key must fall back to the checked one without storing or counting anything twice.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/canonical-json";
import { rows } from "@/lib/db/client";
import { metrics } from "@/lib/metrics";
import { storeEvents, storeEventsQuery, type StorableEvent } from "@/lib/metering/store-events";
import { makeOrg, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";

type Meters = { sum: string; last: string; uniq: string };

const VALUES = ["1.5", "2", "-0.25", null, "999999999999999", "1e-3", "3.000"];

/** `size` events over three hours; small batches and large ones are sent to Postgres differently. */
function batch(orgId: string, m: Meters, run: string, size = 40): StorableEvent[] {
  const base = Date.parse("2026-11-30T09:58:00Z");
  const step = Math.floor((3 * 3_600_000) / size);
  return Array.from({ length: size }, (_, i) => {
    const model = i % 3 === 0 ? "gpt-4" : "claude";
    const value = VALUES[i % VALUES.length] ?? null;
    // Across three hours, with a tie on time (i = 20, 21) for the latest value.
    const timestamp = new Date(base + (i === 21 ? 20 : i) * step);
    return {
      index: i,
      id: `evt_${uid()}`,
      orgId,
      eventId: `${run}-${i}`,
      idGenerated: false,
      eventName: "e",
      timestamp,
      properties: { i },
      propertiesJson: `{"i":${i}}`,
      source: null,
      subscriptionId: null,
      hash: `h-${i}`,
      rollups: [
        { meterId: m.sum, groupKey: JSON.stringify({ model }), value },
        { meterId: m.last, groupKey: "{}", value: String(i * 10), latest: true },
      ],
      uniques: [{ meterId: m.uniq, groupKey: "{}", value: `user-${i % 4}` }],
    };
  });
}

type RollupSums = {
  meter_id: string;
  bucket_start: string;
  group_key: string;
  n: string;
  s: string | null;
  x: string | null;
  lv: string | null;
  lt: string | null;
};
async function rollupsOf(orgId: string) {
  return rows<RollupSums>(sql`select meter_id, bucket_start, group_key, sum(event_count)::text as n, sum(value_sum)::text as s, max(value_max)::text as x,
                         (array_agg(latest_value::text order by latest_at desc nulls last))[1] as lv, max(latest_at) as lt
                    from usage_rollups where org_id = ${orgId}
                   group by 1, 2, 3 order by 1, 2, 3`);
}
async function uniquesOf(orgId: string) {
  return rows(
    sql`select meter_id, day::text, group_key, value, hours from usage_unique_values where org_id = ${orgId} order by 1, 2, 3, 4`,
  );
}
/** A decimal of at most three places, exactly, in thousandths. */
function milli(v: string): bigint {
  const [whole, frac = ""] = v.split(".");
  const sign = whole!.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole!.replace("-", "")) * 1000n + BigInt(frac.padEnd(3, "0")));
}
const rechecks = async () => (await metrics.ingestRechecks.get()).values[0]?.value ?? 0;

describe("ingest statements", () => {
  it.each([40, 150])(
    "leave the same rollups and distinct values, fast or checked (%i events a batch)",
    async (size) => {
      const m = {
        sum: (await makeMeter({ aggregation: "sum", property: "v" })).id,
        last: (await makeMeter({ aggregation: "latest", property: "v" })).id,
        uniq: (await makeMeter({ aggregation: "unique_count", property: "u" })).id,
      };
      const [fast, checked] = [await makeOrg(), await makeOrg()];
      const run = uid();
      const before = await rechecks();
      // Twice each, as two deliveries of different events: the second meets the first's rows.
      for (const half of ["a", "b"]) {
        const out = await storeEvents(batch(fast.id, m, `${run}-${half}`, size));
        expect([...out.values()].every((o) => o === "accepted")).toBe(true);
        expect(await rows(storeEventsQuery(batch(checked.id, m, `${run}-${half}`, size)))).toEqual([]);
      }
      expect(await rechecks()).toBe(before); // the fast statement stored them
      const [a, b] = [await rollupsOf(fast.id), await rollupsOf(checked.id)];
      expect(a.length).toBeGreaterThanOrEqual(6);
      expect(a).toEqual(b);
      expect(await uniquesOf(fast.id)).toEqual(await uniquesOf(checked.id));
      // Spot-check one number by hand: gpt-4 events are i = 0, 3, 6, … in each delivery.
      const gpt4 = a.filter((r) => r.group_key === '{"model":"gpt-4"}' && r.meter_id === m.sum);
      const expected = Array.from({ length: size }, (_, i) => i)
        .filter((i) => i % 3 === 0)
        .map((i) => VALUES[i % VALUES.length] ?? null);
      const total =
        expected.reduce((t: bigint, v) => t + (v === null ? 0n : milli(v === "1e-3" ? "0.001" : v)), 0n) * 2n;
      expect(gpt4.reduce((t: bigint, r) => t + milli(String(r.s)), 0n)).toBe(total);
    },
  );

  it("stores the new events of a batch that meets a stored key, once, and answers the rest as duplicates or conflicts", async () => {
    const m = {
      sum: (await makeMeter({ aggregation: "sum", property: "v" })).id,
      last: (await makeMeter({ aggregation: "latest", property: "v" })).id,
      uniq: (await makeMeter({ aggregation: "unique_count", property: "u" })).id,
    };
    const org = await makeOrg();
    const run = uid();
    const events = batch(org.id, m, run);
    await storeEvents(events.slice(0, 5));
    const before = await rechecks();
    // Events 0–4 again (4 with other content), 5–39 new.
    const again = events.map((e) => (e.index === 4 ? { ...e, hash: "other" } : e));
    const out = await storeEvents(again);
    expect(await rechecks()).toBe(before + 1);
    expect([0, 1, 2, 3].map((i) => out.get(i))).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(out.get(4)).toBe("conflict");
    expect(events.slice(5).every((e) => out.get(e.index) === "accepted")).toBe(true);

    const [stored] = await rows<{ n: number }>(
      sql`select count(*)::int as n from usage_events where org_id = ${org.id}`,
    );
    expect(stored!.n).toBe(40);
    const [counted] = await rows<{ n: number }>(
      sql`select sum(event_count)::int as n from usage_rollups where org_id = ${org.id} and meter_id = ${m.sum}`,
    );
    expect(counted!.n).toBe(40);
  });

  it.each([4, 80])(
    "stores ids, names and properties exactly, whatever characters they hold (%i events a batch)",
    async (size) => {
      const org = await makeOrg();
      const kinds = [`${uid()} "quoted", {braced} \\ back\\slash`, "NULL", "", "naïve 🚀 \n newline"];
      const odd = Array.from({ length: size }, (_, i) => kinds[i % kinds.length]!);
      const events: StorableEvent[] = odd.map((text, index) => ({
        index,
        propertiesJson: canonicalJson({ text, nested: { list: [text, 1, null] } }),
        id: `evt_${uid()}`,
        orgId: org.id,
        eventId: `${text}-${index}`,
        idGenerated: false,
        eventName: `name ${text}`,
        timestamp: new Date("2026-11-30T12:00:00Z"),
        properties: { text, nested: { list: [text, 1, null] } },
        source: index === 1 ? null : text,
        subscriptionId: null,
        hash: `h-${index}`,
        rollups: [],
        uniques: [],
      }));
      const out = await storeEvents(events);
      expect([...out.values()].filter((o) => o === "accepted")).toHaveLength(size);
      const stored = await rows<{ event_id: string; event_name: string; source: string | null; properties: unknown }>(
        sql`select event_id, event_name, source, properties from usage_events where org_id = ${org.id} order by event_id`,
      );
      const expected = events.map((e) => ({
        event_id: e.eventId,
        event_name: e.eventName,
        source: e.source,
        properties: e.properties,
      }));
      expect([...stored].sort((a, b) => (a.event_id < b.event_id ? -1 : 1))).toEqual(
        expected.sort((a, b) => (a.event_id < b.event_id ? -1 : 1)),
      );
    },
  );

  it("turns milliseconds into the same timestamp as the exact decimal division would", async () => {
    // The statements read `to_timestamp(ms::float8 / 1000)`; every millisecond must land exactly.
    const [row] = await rows<{ off: number; sample: string }>(sql`
      select count(*) filter (where to_timestamp(ms::float8 / 1000) <> to_timestamp(ms / 1000.0))::int as off,
             max(to_timestamp(ms::float8 / 1000))::text as sample
        from (select (g::bigint * 7919 + g % 1000) * 104729 % 7258118400000 as ms from generate_series(0, 200000) g
              union all select v from unnest(array[0, 1, 999, 1000, 1001, 1711000000999, 4102444799999, 7258118399999]::bigint[]) v) x`);
    expect(row!.off).toBe(0);
    expect(row!.sample).toMatch(/^2199-12-31 23:59:59\.999/);
  });
});
