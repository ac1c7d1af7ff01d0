import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, rows } from "@/lib/db/client";
import { ingestLog } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { ensureEventPartitions, INGEST_LOG_PER_CUSTOMER, pruneIngestLog } from "@/lib/metering/jobs";
import { listEvents } from "@/lib/metering/list-events";
import { makeOrg } from "./support/fixtures";
import { makeMeter } from "./support/metering";

const partitionOf = async (id: string) =>
  (await rows<{ p: string }>(sql`select tableoid::regclass::text as p from usage_events where id = ${id}`))[0]?.p;

describe("event partitions", () => {
  it("stores events of a month without a partition in the DEFAULT partition, and moves them when the month's partition is made", async () => {
    const [org, meter] = [await makeOrg(), await makeMeter()];
    const r = await ingestEvents(org.id, [
      { eventId: "old", eventName: meter.eventName, timestamp: new Date("2020-05-17T12:00:00Z") },
    ]);
    const id = r.outcomes[0]!.id!;
    expect(await partitionOf(id)).toBe("usage_events_default");
    const [made] = await rows<{ created: boolean }>(sql`select usage_events_ensure_partition('2020-05-01') as created`);
    expect(made!.created).toBe(true);
    expect(await partitionOf(id)).toBe("usage_events_2020_05");
    expect((await listEvents(org.id, { limit: 5 })).data.map((e) => e.eventId)).toEqual(["old"]);
    const [again] = await rows<{ created: boolean }>(
      sql`select usage_events_ensure_partition('2020-05-01') as created`,
    );
    expect(again!.created).toBe(false);
  });

  it("keeps this month and the next three partitioned ahead, and a second run (or a concurrent one) changes nothing", async () => {
    const now = new Date(Date.UTC(2031, 0, 15));
    const runs = await Promise.all([ensureEventPartitions(now), ensureEventPartitions(now)]);
    expect([...runs[0]!, ...runs[1]!].sort()).toEqual(["2031-01", "2031-02", "2031-03", "2031-04"]);
    expect(await ensureEventPartitions(now)).toEqual([]);
    const parts = await rows<{ p: string }>(
      sql`select c.relname as p from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'usage_events' and c.relname like 'usage_events_2031%' order by 1`,
    );
    expect(parts.map((p) => p.p)).toEqual([
      "usage_events_2031_01",
      "usage_events_2031_02",
      "usage_events_2031_03",
      "usage_events_2031_04",
    ]);
  });
});

describe("ingest log", () => {
  it("keeps 7 days and at most 1,000 rows per customer", async () => {
    const org = await makeOrg();
    const now = new Date();
    const rowsToInsert = Array.from({ length: INGEST_LOG_PER_CUSTOMER + 5 }, (_, i) => ({
      orgId: org.id,
      outcome: "rejected" as const,
      reason: `r${i}`,
      via: "test",
      receivedAt: now,
    }));
    for (let i = 0; i < rowsToInsert.length; i += 500)
      await db.insert(ingestLog).values(rowsToInsert.slice(i, i + 500));
    await db.insert(ingestLog).values({
      orgId: null,
      outcome: "rejected",
      reason: "ancient",
      via: "test",
      receivedAt: new Date(now.getTime() - 8 * 86_400_000),
    });
    await pruneIngestLog(now);
    const [kept] = await rows<{ n: number }>(sql`select count(*)::int as n from ingest_log where org_id = ${org.id}`);
    expect(kept!.n).toBe(INGEST_LOG_PER_CUSTOMER);
    const [oldest] = await rows<{ reason: string }>(
      sql`select reason from ingest_log where org_id = ${org.id} order by id asc limit 1`,
    );
    expect(oldest!.reason).toBe("r5");
    const [ancient] = await rows<{ n: number }>(
      sql`select count(*)::int as n from ingest_log where reason = 'ancient'`,
    );
    expect(ancient!.n).toBe(0);
  });
});
