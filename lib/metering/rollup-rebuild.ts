// Rebuilds a customer's rollups and distinct values for some hours from the raw events that still
// count, after a correction took events out of those hours. Count and sum could be decremented, but
// max, latest and unique count cannot: one rule for every aggregation — delete the hours' rows and
// aggregate the hours' remaining events again, with the same code the ingest statement uses
// (contributionsOf, aggregateBatch), so a rebuilt hour equals what ingesting its events afresh
// would have written.
//
// Only the active meters' rows are rebuilt: an archived meter is read by nothing that bills, and
// rebuilding it would need the definition it had when its events arrived. A meter edited since its
// events arrived is rebuilt with its definition now (the rest of its rows keep the old one).
//
// Concurrency: the caller runs this in a REPEATABLE READ transaction. The events read and the rows
// deleted are of one snapshot; an ingest that commits after it either added a rollup row the
// snapshot does not see (kept, with its events not read here: counted once) or updated one this
// transaction deletes or upserts — Postgres then ends this transaction with a serialization
// failure, and the caller retries the batch.
import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { date, json, selectRows, text } from "@/lib/db/rows";
import { NativeDate } from "@/lib/native-date";
import { contributionsOf } from "./contributions";
import type { MeterIndex } from "./meters";
import { aggregateBatch, type BatchEvent } from "./rollup-batch";
import { ROLLUP_UPSERT, UNIQUE_UPSERT } from "./store-events";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Start and end (epoch ms) of each run of consecutive units (hours or days) in a sorted list. */
function runs(starts: number[], unit: number): { lo: number; hi: number }[] {
  const out: { lo: number; hi: number }[] = [];
  for (const s of starts) {
    const last = out[out.length - 1];
    if (last && last.hi === s) last.hi = s + unit;
    else out.push({ lo: s, hi: s + unit });
  }
  return out;
}

const iso = (ms: number) => new NativeDate(ms).toISOString();

/** Rebuilds the rollups of `hours` (epoch ms of each hour's start) and the distinct values of the days they fall in. */
export async function rebuildRollups(tx: Executor, orgId: string, hours: number[], meters: MeterIndex): Promise<void> {
  if (hours.length === 0) return;
  const hourList = [...new Set(hours)].sort((a, b) => a - b);
  const active = [...meters.byEvent.values()].flat();
  const rollupMeters = active.filter((m) => m.aggregation !== "unique_count").map((m) => m.id);
  const uniqueMeters = active.filter((m) => m.aggregation === "unique_count").map((m) => m.id);
  const days = [...new Set(hourList.map((h) => Math.floor(h / DAY_MS) * DAY_MS))];
  // A day's distinct values need the whole day's events; without unique meters, the hours suffice.
  const ranges = uniqueMeters.length > 0 ? runs(days, DAY_MS) : runs(hourList, HOUR_MS);

  // Oldest first, ties in storing order: the position decides "latest" as the ingest statement does.
  // `offset 0` keeps the lateral subquery a probe of the (org_id, timestamp) index per range: pulled
  // up into a plain join, the planner (guessing 100 ranges) sorted all of a large customer's events
  // and filtered them by range afterwards (0.4–1.0 s a batch at 1 M events, bench/retract.mjs; 8–23 ms now).
  const stored = await selectRows(
    { n: text, t: date, p: json<Record<string, unknown>>() },
    sql`select e.event_name as n, e."timestamp" as t, e.properties as p
          from json_to_recordset(${JSON.stringify(ranges.map((r) => ({ lo: iso(r.lo), hi: iso(r.hi) })))}::text::json) as r(lo timestamptz, hi timestamptz)
          cross join lateral (
            select event_name, "timestamp", ingested_at, id, properties from usage_events
             where org_id = ${orgId} and "timestamp" >= r.lo and "timestamp" < r.hi
            offset 0
          ) e
         order by e."timestamp", e.ingested_at, e.id`,
    tx,
  );
  const events: BatchEvent[] = [];
  stored.forEach((e, index) => {
    const forEvent = meters.byEvent.get(e.n);
    if (!forEvent) return;
    const c = contributionsOf(forEvent, e.p);
    // An event the meter would refuse now (its definition changed) adds nothing.
    if (!c.ok) return;
    events.push({ index, orgId, timestamp: e.t, rollups: c.rollups, uniques: c.uniques });
  });
  const { rollups, uniques } = aggregateBatch(events);
  const inHours = new Set(hourList);
  const rollupRows = rollups.filter((r) => inHours.has(r.b));
  const dayNames = days.map((d) => iso(d).slice(0, 10));

  if (rollupMeters.length > 0) {
    await tx.execute(sql`delete from usage_rollups
                          where org_id = ${orgId}
                            and bucket_start = any(array(select json_array_elements_text(${JSON.stringify(hourList.map(iso))}::text::json)::timestamptz))
                            and meter_id = any(array(select json_array_elements_text(${JSON.stringify(rollupMeters)}::text::json)))`);
    if (rollupRows.length > 0)
      await tx.execute(sql`insert into usage_rollups as r (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, latest_value, latest_at)
          select o, m, to_timestamp(b::float8 / 1000), k, 0, n, s, x, lv, to_timestamp(lt::float8 / 1000)
            from json_to_recordset(${JSON.stringify(rollupRows)}::text::json)
              as x(o text, m text, b bigint, k text, n int, s numeric, x numeric, lv numeric, lt bigint)
          ${ROLLUP_UPSERT}`);
  }
  if (uniqueMeters.length > 0) {
    await tx.execute(sql`delete from usage_unique_values
                          where org_id = ${orgId}
                            and day = any(array(select json_array_elements_text(${JSON.stringify(dayNames)}::text::json)::date))
                            and meter_id = any(array(select json_array_elements_text(${JSON.stringify(uniqueMeters)}::text::json)))`);
    if (uniques.length > 0)
      await tx.execute(sql`insert into usage_unique_values as x (org_id, meter_id, day, group_key, value, hours)
          select o, m, d, k, v, h from json_to_recordset(${JSON.stringify(uniques)}::text::json) as u(o text, m text, d date, k text, v text, h int)
          ${UNIQUE_UPSERT}`);
  }
}
