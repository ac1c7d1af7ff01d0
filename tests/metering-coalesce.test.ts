// Single events from many concurrent requests are stored by a few shared statements on Postgres
// (lib/metering/store-events.ts); every caller must still get its own events' outcomes, no key may
// be claimed twice, and one batch's failure must not answer the others.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as single from "@/app/api/v1/events/route";
import * as usage from "@/app/api/v1/usage/route";
import { driver, rows } from "@/lib/db/client";
import { metrics } from "@/lib/metrics";
import { storeEvents, type StorableEvent } from "@/lib/metering/store-events";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";

type Usage = { meters: { value: string | null }[] };

async function total(key: string, org: string, meter: string) {
  const res = await call<Usage>(usage.GET, "GET", `/api/v1/usage?customer_id=${org}&meter=${meter}`, { key });
  return res.json.meters[0]!.value;
}

describe("concurrent single events", () => {
  it("answers each of 80 concurrent requests for its own event, counts each id once, and tells a reused id apart", async () => {
    const [key, org, meter] = [
      await platformKey(),
      await makeOrg(),
      await makeMeter({ aggregation: "sum", property: "n" }),
    ];
    const run = uid();
    const body = (id: string, n: string) => ({
      event_name: meter.eventName,
      external_customer_id: org.externalId,
      event_id: id,
      properties: { n },
    });
    // 50 distinct events of 1…50, the event "same" ten times, the id "reused" with ten different values.
    const sends = [
      ...Array.from({ length: 50 }, (_, i) => body(`${run}-${i}`, String(i + 1))),
      ...Array.from({ length: 10 }, () => body(`${run}-same`, "1000")),
      ...Array.from({ length: 10 }, (_, i) => body(`${run}-reused`, String(10_000 + i))),
    ];
    const results = await Promise.all(
      sends.map((b) =>
        call<{ message?: string; event_id?: string }>(single.POST, "POST", "/api/v1/events", { key, body: b }),
      ),
    );

    results.slice(0, 50).forEach((r, i) => {
      expect(r.status).toBe(202);
      expect(r.json).toMatchObject({ message: "accepted", event_id: `${run}-${i}` });
    });
    const same = results.slice(50, 60);
    expect(same.every((r) => r.status === 202)).toBe(true);
    expect(same.filter((r) => r.json.message === "accepted")).toHaveLength(1);
    const reused = results.slice(60);
    expect(reused.filter((r) => r.status === 202 && r.json.message === "accepted")).toHaveLength(1);
    // The others: a 409 naming the id (or, while the first was still being stored, a duplicate).
    expect(reused.every((r) => r.status === 409 || (r.status === 202 && r.json.message !== "rejected"))).toBe(true);
    const [winner] = await rows<{ n: string }>(
      sql`select properties->>'n' as n from usage_events where org_id = ${org.id} and event_id = ${`${run}-reused`}`,
    );

    // 1 + … + 50 = 1,275, plus "same" once, plus the reused id's first value once.
    expect(await total(key, org.id, meter.code)).toBe(String(1275 + 1000 + Number(winner!.n)));
    const [stored] = await rows<{ n: number }>(
      sql`select count(*)::int as n from usage_events where org_id = ${org.id}`,
    );
    expect(stored!.n).toBe(52);
  });

  it("shares statements between concurrent requests on Postgres: far fewer statements than events", async () => {
    if (driver().kind !== "postgres") return;
    const [key, org, meter] = [await platformKey(), await makeOrg(), await makeMeter()];
    const statements = async () => (await metrics.ingestStatements.get()).values[0]?.value ?? 0;
    const before = await statements();
    const run = uid();
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(single.POST, "POST", "/api/v1/events", {
          key,
          body: { event_name: meter.eventName, external_customer_id: org.externalId, event_id: `${run}-${i}` },
        }),
      ),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    // At most four statements in flight; the events that arrive meanwhile share the next ones.
    expect((await statements()) - before).toBeLessThanOrEqual(30);
    expect(await total(key, org.id, meter.code)).toBe("60");
  });

  it("answers a batch whose statement fails with its own error, and stores the batches sent with it", async () => {
    const [org, meter] = [await makeOrg(), await makeMeter()];
    const event = (id: string, timestamp: Date, index = 0): StorableEvent => ({
      index,
      id: `evt_${uid()}`,
      orgId: org.id,
      eventId: id,
      idGenerated: false,
      eventName: meter.eventName,
      timestamp,
      properties: {},
      propertiesJson: "{}",
      source: null,
      subscriptionId: null,
      hash: `h-${id}`,
      rollups: [],
      uniques: [],
    });
    const run = uid();
    // Postgres has no year 271,821 BC: this event's statement fails.
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 6 }, (_, i) => storeEvents([event(`${run}-${i}`, new Date())])),
      storeEvents([event(`${run}-bad`, new Date(-8.64e15))]),
      ...Array.from({ length: 6 }, (_, i) => storeEvents([event(`${run}-${i + 6}`, new Date())])),
    ]);
    expect(outcomes[6]!.status).toBe("rejected");
    const good = outcomes.filter((_, i) => i !== 6);
    expect(good.every((o) => o.status === "fulfilled" && o.value.get(0) === "accepted")).toBe(true);
    const [stored] = await rows<{ n: number }>(
      sql`select count(*)::int as n from usage_events where org_id = ${org.id}`,
    );
    expect(stored!.n).toBe(12);
  });
});
