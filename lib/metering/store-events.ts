// The ingest statements: one SQL statement (one round trip, one implicit transaction) stores a
// batch of already-validated events. There are two.
//
// The fast statement assumes every key is new, which is what a sender's first delivery is:
//   1. inserts each (org, event_id) into event_keys — a plain insert: a key that is already there
//      (or that a concurrent statement is storing) violates the primary key and ends the statement
//      with nothing written;
//   2. stores the events in the partitioned usage_events table;
//   3. upserts the hourly rollups, aggregated in the process (rollup-batch.ts) so each
//      (org, meter, hour, group, shard) row is written once, in key order (no deadlocks between
//      concurrent batches);
//   4. upserts the distinct values of unique_count meters, one row per (org, meter, day, group,
//      value), OR-ing in the hours of the day in which the value occurred.
// When it fails on a key, the checked statement runs instead: it claims each key with
// `insert … on conflict do nothing returning`, so the unique index decides exactly which events are
// new under any concurrency, stores and rolls up only those (aggregating in SQL, since only the
// statement knows which they are), and answers for each event it did not store the hash stored with
// the key, so a replay (same content: duplicate) can be told from another event reusing the id.
// Skipping the conflict checks and the SQL aggregate saves the database ~10 % an event in the bulk
// benchmark (docs/benchmarks.md); a retried batch pays for both statements, and
// tally_ingest_rechecks_total counts how often that happens.
//
// Rollups and distinct values commit with the event, so usage reads are current when the ingest
// call returns. Latest: each rollup row keeps the value of its latest event and that event's time;
// a read takes the value of the row with the greatest time (ties: the event ingested last).
//
// Times travel as Unix milliseconds and become timestamps by `to_timestamp(ms::float8 / 1000)`:
// below 2^53 the integer is exact as a float8 and the division rounds to the nearest float8, the
// same one `ms / 1000.0` (numeric) rounds to when cast, without a numeric division and a cast
// through text per row.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { driver, rows, type Executor } from "@/lib/db/client";
import { isDeadlock, isUniqueViolation } from "@/lib/db/errors";
import { groupCommit } from "@/lib/db/group-commit";
import { metrics } from "@/lib/metrics";
import type { PathState } from "@/lib/ops/path-watch";
import type { Contribution, UniqueContribution } from "./contributions";
import { aggregateBatch } from "./rollup-batch";

export type StorableEvent = {
  /** Position in the caller's batch. */
  index: number;
  /** Made by Tally (evt_ and base-32 characters): written into statements unquoted. */
  id: string;
  orgId: string;
  eventId: string;
  idGenerated: boolean;
  eventName: string;
  timestamp: Date;
  properties: Record<string, unknown>;
  /** The properties as JSON text (canonicalJson's output, which never holds a raw control character). */
  propertiesJson: string;
  source: string | null;
  subscriptionId: string | null;
  /** eventHash's output (base-36 digits and a dot): written into statements unquoted. */
  hash: string;
  rollups: Contribution[];
  uniques: UniqueContribution[];
};

export type StoreOutcome = "accepted" | "duplicate" | "conflict";

/** Rollup rows per hot (org, meter, hour, group): concurrent batches of one customer rarely meet on one row. */
export const ROLLUP_SHARDS = 8;

/**
 * Stores a batch. On Postgres, outside a caller's transaction, small batches are coalesced: while
 * MAX_IN_FLIGHT ingest statements of this process are running, the batches that arrive wait and
 * then go together as one statement (up to COALESCE_MAX_EVENTS events). Fifty clients each sending
 * one event become a few statements and commits instead of fifty; with less in flight a batch goes
 * at once, so a lone event waits for nothing. Each caller still gets its own events' outcomes, when
 * the statement that stored them has committed.
 */
export async function storeEvents(events: StorableEvent[], tx?: Executor): Promise<Map<number, StoreOutcome>> {
  if (events.length === 0) return new Map();
  if (tx || events.length >= COALESCE_MAX_EVENTS || driver().kind !== "postgres") return storeNow(events, tx);
  return batches.submit(events);
}

async function storeNow(events: StorableEvent[], tx?: Executor): Promise<Map<number, StoreOutcome>> {
  // Inside a caller's transaction a failed statement would abort the transaction: checked only.
  if (!tx) {
    metrics.ingestStatements.inc();
    try {
      await rows(storeNewEventsQuery(events));
      return new Map(events.map((e) => [e.index, "accepted"]));
    } catch (e) {
      // A key already stored or being stored; or, rarely, a deadlock with a statement whose rows
      // sort differently. Nothing was written: the checked statement sorts it out.
      if (!isUniqueViolation(e, "event_keys_org_id_event_id_pk") && !isDeadlock(e)) throw e;
      metrics.ingestRechecks.inc();
    }
  }
  return storeChecked(events, tx);
}

async function storeChecked(events: StorableEvent[], tx?: Executor): Promise<Map<number, StoreOutcome>> {
  const out = new Map<number, StoreOutcome>();
  metrics.ingestStatements.inc();
  // The statement answers only for the events it did not store; every other one was stored.
  const notStored = await rows<{ i: number; existing_hash: string | null }>(storeEventsQuery(events), tx);
  const hashByIndex = new Map<number, string>();
  for (const e of events) {
    out.set(e.index, "accepted");
    hashByIndex.set(e.index, e.hash);
  }
  for (const r of notStored) {
    const i = Number(r.i);
    // A key whose first event is still being stored by a concurrent statement shows no hash yet:
    // that is a duplicate in flight (its content cannot be compared).
    out.set(i, r.existing_hash === null || r.existing_hash === hashByIndex.get(i) ? "duplicate" : "conflict");
  }
  return out;
}

/** Ingest statements from this process at once; the rest of the pool stays free for everything else. */
const MAX_IN_FLIGHT = 4;
/** A batch this large goes on its own; smaller ones are joined up to this many events. */
export const COALESCE_MAX_EVENTS = 500;

/**
 * A shared statement (and the retries of its batches) that has not finished by then gives its slot
 * back and answers its callers 503 database_unavailable, so a connection that hangs instead of
 * failing never wedges ingestion; a retry with the same event ids is safe whatever it committed.
 */
export const STORE_DEADLINE_MS = 5_000;

/** One queue per process: Next and the fast-path bundle both load this module (lib/process-state.ts). */
const batches = groupCommit<StorableEvent[], Map<number, StoreOutcome>, Map<number, StoreOutcome>>({
  name: "metering.store-events",
  slots: MAX_IN_FLIGHT,
  budget: COALESCE_MAX_EVENTS,
  size: (events) => events.length,
  // A batch with a key (customer, event id) already in the group waits for the next statement:
  // one statement must not claim a key twice, or the second would read as stored.
  keys: (events) => events.map((e) => `${e.orgId}\u0000${e.eventId}`),
  commit: storeJoined,
  answer: async (_events, stored) => stored,
  // Nothing of a failed statement was stored: each batch again on its own, so an error answers only
  // the batch that caused it.
  alone: (events) => storeNow(events),
  singleIsAlone: true,
  slotBackAfter: "answers",
  deadlineMs: STORE_DEADLINE_MS,
  log: { items: "batches", timedOut: "ingest statement did not finish in time; its batches answered 503" },
});

/** The coalesced ingest path as health sees it: statements running (a stuck one included) and batches waiting for a slot. */
export const ingestPathState = (): PathState => batches.state();

/** One statement for all the batches: the events renumbered in it, the outcomes mapped back to each batch. */
async function storeJoined(group: StorableEvent[][]): Promise<Map<number, StoreOutcome>[]> {
  const joined: StorableEvent[] = [];
  const origin: { w: number; index: number }[] = [];
  group.forEach((events, wi) => {
    for (const e of events) {
      origin.push({ w: wi, index: e.index });
      joined.push({ ...e, index: joined.length });
    }
  });
  const stored = await storeNow(joined);
  const outs = group.map(() => new Map<number, StoreOutcome>());
  stored.forEach((outcome, i) => outs[origin[i]!.w]!.set(origin[i]!.index, outcome));
  return outs;
}

// The statements' inputs are built as text by hand: objects built only to be serialized were a
// measurable share of the server's time per event (allocation and GC).
const q = JSON.stringify;

/** A text as an element of a Postgres array literal. */
function element(v: string | null): string {
  if (v === null) return "NULL";
  return /[\\"]/.test(v) ? `"${v.replace(/[\\"]/g, "\\$&")}"` : `"${v}"`;
}

/**
 * The events as rows `ev(i, id, o, e, h, n, t, s, p, sub, g)`, `p` the properties as JSON text.
 * A large batch goes as one array per column, unnested together: Postgres parses arrays of text
 * much faster than the same rows as a JSON recordset, which builds a hash table per object and
 * copies each nested object before it is parsed again as jsonb (Postgres CPU per event in the bulk
 * benchmark: 38 → 16 µs, docs/benchmarks.md). The unnests are in the select list, where
 * set-returning functions run in step and hand over one row at a time; in FROM (`unnest(a, b, …)`)
 * each array is first copied whole into a tuplestore of its own (~10 % of the database's time per
 * event, bench/ingest-bulk.mjs). Ids and hashes are ours and need no quoting;
 * properties are JSON text, which never holds a raw control character, so they go as
 * one text split on U+0001 instead of quoted elements. Eleven arrays cost a statement ~70 µs more
 * to set up than one JSON text (measured when they were unnested in FROM; not re-measured since),
 * so a small batch (single events, even coalesced) goes as JSON.
 */
function eventRows(events: StorableEvent[]): SQL {
  if (events.length < ARRAYS_FROM) return eventRowsJson(events);
  // Each column's elements are joined once: a text grown by += is a rope of thousands of pieces,
  // which the driver would flatten again to measure it (~1 µs an event, bench/ingest-bulk.mjs).
  const count = events.length;
  const i = new Array<number>(count),
    id = new Array<string>(count),
    o = new Array<string>(count),
    e = new Array<string>(count);
  const h = new Array<string>(count),
    n = new Array<string>(count),
    t = new Array<number>(count),
    src = new Array<string>(count);
  const p = new Array<string>(count),
    sub = new Array<string>(count),
    g = new Array<string>(count);
  for (let k = 0; k < count; k++) {
    const ev = events[k]!;
    i[k] = ev.index;
    id[k] = ev.id;
    o[k] = element(ev.orgId);
    e[k] = element(ev.eventId);
    h[k] = ev.hash;
    n[k] = element(ev.eventName);
    t[k] = ev.timestamp.getTime();
    src[k] = element(ev.source);
    p[k] = ev.propertiesJson;
    sub[k] = element(ev.subscriptionId);
    g[k] = ev.idGenerated ? "t" : "f";
  }
  const array = (a: unknown[]) => `{${a.join(",")}}`;
  const text = (a: string[]) => sql`unnest(${array(a)}::text::text[])`;
  const ours = (a: string[]) => sql`unnest(${`{"${a.join('","')}"}`}::text::text[])`;
  return sql`(select unnest(${array(i)}::text::int[]) as i, ${ours(id)} as id, ${text(o)} as o, ${text(e)} as e, ${ours(h)} as h, ${text(n)} as n,
                     unnest(${array(t)}::text::bigint[]) as t, ${text(src)} as s, unnest(string_to_array(${p.join("\u0001")}::text, chr(1))) as p, ${text(sub)} as sub,
                     unnest(${array(g)}::text::boolean[]) as g) as ev`;
}

/** From this many events a batch goes as arrays (a measured break-even: about 50). */
const ARRAYS_FROM = 64;

function eventRowsJson(events: StorableEvent[]): SQL {
  let ev = "[";
  for (const e of events) {
    if (ev.length > 1) ev += ",";
    ev += `{"i":${e.index},"id":"${e.id}","o":${q(e.orgId)},"e":${q(e.eventId)},"h":"${e.hash}","n":${q(e.eventName)},"t":${e.timestamp.getTime()},"s":${e.source === null ? "null" : q(e.source)},"p":${e.propertiesJson},"sub":${e.subscriptionId === null ? "null" : q(e.subscriptionId)},"g":${e.idGenerated}}`;
  }
  return sql`json_to_recordset(${ev + "]"}::text::json)
              as ev(i int, id text, o text, e text, h text, n text, t bigint, s text, p text, sub text, g boolean)`;
}

/** The fast statement: every key new, rollups aggregated here (exported for benchmarks and tests). */
export function storeNewEventsQuery(events: StorableEvent[]): SQL {
  const { rollups, uniques } = aggregateBatch(events);
  const num = (v: string | null) => (v === null ? "null" : `"${v}"`);
  let r = "[";
  for (const x of rollups) {
    if (r.length > 1) r += ",";
    r += `{"o":${q(x.o)},"m":${q(x.m)},"b":${x.b},"k":${q(x.k)},"n":${x.n},"s":${num(x.s)},"x":${num(x.x)},"lv":${num(x.lv)},"lt":${x.lt ?? "null"}}`;
  }
  r += "]";
  return sql`with ev as (
          select * from ${eventRows(events)}
        ),
        keys as (
          insert into event_keys (org_id, event_id, body_hash) select o, e, h from ev
        ),
        stored as (
          insert into usage_events (id, org_id, event_id, event_name, "timestamp", source, properties, subscription_id, id_generated)
          select id, o, e, n, to_timestamp(t::float8 / 1000), s, p::jsonb, sub, g from ev
        ),
        rolled as (
          insert into usage_rollups as r (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, latest_value, latest_at)
          select o, m, to_timestamp(b::float8 / 1000), k, ${randomShard()}::smallint, n, s, x, lv, to_timestamp(lt::float8 / 1000)
            from json_to_recordset(${r}::text::json) as x(o text, m text, b bigint, k text, n int, s numeric, x numeric, lv numeric, lt bigint)
          ${ROLLUP_UPSERT}
        ),
        uniq as (
          insert into usage_unique_values as x (org_id, meter_id, day, group_key, value, hours)
          select o, m, d, k, v, h from json_to_recordset(${q(uniques)}::text::json) as u(o text, m text, d date, k text, v text, h int)
          ${UNIQUE_UPSERT}
        )
        select 1`;
}

/** A statement's rows go to one shard, so its rows still lock in key order. */
function randomShard(): number {
  return Math.floor(Math.random() * ROLLUP_SHARDS);
}

export const ROLLUP_UPSERT = sql.raw(`on conflict (org_id, meter_id, bucket_start, group_key, shard) do update set
            event_count = r.event_count + excluded.event_count,
            value_sum = coalesce(r.value_sum + excluded.value_sum, r.value_sum, excluded.value_sum),
            value_max = greatest(r.value_max, excluded.value_max),
            latest_value = case when r.latest_at is null or excluded.latest_at >= r.latest_at then excluded.latest_value else r.latest_value end,
            latest_at = greatest(r.latest_at, excluded.latest_at)`);
export const UNIQUE_UPSERT =
  sql.raw(`on conflict (org_id, meter_id, day, group_key, value) do update set hours = x.hours | excluded.hours
            where (x.hours | excluded.hours) <> x.hours`);

/** The checked statement for a batch (exported for EXPLAIN in benchmarks and tests). */
export function storeEventsQuery(events: StorableEvent[]): SQL {
  let contrib = "[";
  let uniq = "[";
  for (const e of events) {
    for (const c of e.rollups) {
      if (contrib.length > 1) contrib += ",";
      contrib += `{"i":${e.index},"m":${q(c.meterId)},"k":${q(c.groupKey)},"v":${c.value === null ? "null" : `"${c.value}"`}${c.latest ? `,"l":true` : ""}}`;
    }
    for (const u of e.uniques) {
      if (uniq.length > 1) uniq += ",";
      uniq += `{"i":${e.index},"m":${q(u.meterId)},"k":${q(u.groupKey)},"v":${q(u.value)}}`;
    }
  }
  contrib += "]";
  uniq += "]";
  return sql`with ev as (
          select i, o, e, id, h, n, to_timestamp(t::float8 / 1000) as t, s, p::jsonb as p, sub, g from ${eventRows(events)}
        ),
        claimed as (
          insert into event_keys (org_id, event_id, body_hash)
          select o, e, h from ev
          on conflict do nothing
          returning org_id, event_id
        ),
        acc as (
          select ev.* from ev join claimed on claimed.org_id = ev.o and claimed.event_id = ev.e
        ),
        stored as (
          insert into usage_events (id, org_id, event_id, event_name, "timestamp", source, properties, subscription_id, id_generated)
          select id, o, e, n, t, s, p, sub, g from acc
        ),
        c as (
          select * from json_to_recordset(${contrib}::text::json) as c(i int, m text, k text, v numeric, l boolean)
        ),
        rolled as (
          insert into usage_rollups as r (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, latest_value, latest_at)
          select acc.o collate "C" as o, c.m collate "C" as m, date_bin('1 hour', acc.t, timestamptz '1970-01-01 00:00:00+00') as b, c.k collate "C" as k, ${randomShard()}::smallint,
                 count(*), sum(c.v), max(c.v),
                 (array_agg(c.v order by acc.t desc, acc.i desc) filter (where c.l))[1], max(acc.t) filter (where c.l)
            from c join acc on acc.i = c.i
           group by 1, 2, 3, 4
           order by 1, 2, 3, 4
          ${ROLLUP_UPSERT}
        ),
        u as (
          select * from json_to_recordset(${uniq}::text::json) as u(i int, m text, k text, v text)
        ),
        uniq as (
          insert into usage_unique_values as x (org_id, meter_id, day, group_key, value, hours)
          select acc.o collate "C" as o, u.m collate "C" as m, (acc.t at time zone 'UTC')::date as d, u.k collate "C" as k, u.v collate "C" as v,
                 bit_or(1 << extract(hour from acc.t at time zone 'UTC')::int)
            from u join acc on acc.i = u.i
           group by 1, 2, 3, 4, 5
           order by 1, 2, 3, 4, 5
          ${UNIQUE_UPSERT}
        )
        -- The events not stored (duplicates, or ids reused with other content), with the hash stored
        -- under their key: one index probe each, none for stored events.
        select ev.i, k.body_hash as existing_hash
          from ev
          left join claimed on claimed.org_id = ev.o and claimed.event_id = ev.e
          left join lateral (select body_hash from event_keys k where claimed.event_id is null and k.org_id = ev.o and k.event_id = ev.e limit 1) k on true
         where claimed.event_id is null`;
}
