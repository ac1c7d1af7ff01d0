// Usage reads, from the rollups only (never the raw events): quantities per meter for one
// customer over an hour-aligned range, optionally per window (hour, day, month, UTC) and per
// group (a subset of the meter's group_by).
//
// count = Σ event_count, sum = Σ value_sum, max = max(value_max), latest = the latest_value of
// the row with the greatest latest_at; unique_count = count(distinct value) over the
// distinct-values table, keeping a day's row only when its hour mask meets the range's hours of
// that day (store-events.ts and the schema explain both).
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import { D } from "@/lib/money";
import { parseGroupKey } from "./contributions";
import type { MeterDef } from "./meters";
import type { Period } from "./limit-period";
import type { UsageWindow } from "./schemas";

export type { UsageWindow };

export type GroupValues = Record<string, string | null>;
export type GroupValue = { group: GroupValues; value: string | null };
export type WindowValue = { start: Date; end: Date; value: string | null; groups?: GroupValue[] };

export type MeterUsage = {
  meter: MeterDef;
  /** The meter's quantity over the whole range: null for max/latest with no events. */
  value: string | null;
  groups?: GroupValue[];
  windows?: WindowValue[];
};

export type UsageRequest = {
  orgId: string;
  meters: MeterDef[];
  range: Period;
  window?: UsageWindow | null;
  /** Group keys; applied to the meters that group by all of them. */
  groupBy?: string[];
};

const HOUR = 3_600_000;
export const MAX_WINDOWS = 2_000;

export type RollupRow = {
  meter_id: string;
  w: string | null;
  g: string | null;
  cnt: string;
  s: string | null;
  mx: string | null;
  lt: string | null;
  lt_at: string | null;
};
type UniqueRow = { w: string | null; g: string | null; n: string };

/** The windows of a range, oldest first. */
export function windowStarts(range: Period, window: UsageWindow): Date[] {
  const out: Date[] = [];
  let t = truncate(range.start, window);
  while (t < range.end) {
    out.push(t);
    t = advance(t, window);
    if (out.length > MAX_WINDOWS) break;
  }
  return out;
}

export function truncate(d: Date, window: UsageWindow): Date {
  if (window === "hour") return new Date(Math.floor(d.getTime() / HOUR) * HOUR);
  if (window === "day") return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

export function advance(d: Date, window: UsageWindow): Date {
  if (window === "hour") return new Date(d.getTime() + HOUR);
  if (window === "day") return new Date(d.getTime() + 86_400_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** The group key columns as one JSON text per row (null when not grouping). */
function groupSql(keys: string[]): SQL {
  if (keys.length === 0) return sql`null::text`;
  return sql`json_build_array(${sql.join(
    keys.map((k) => sql`(group_key::jsonb ->> ${k})`),
    sql`, `,
  )})::text`;
}

function groupsOf(keys: string[], g: string | null): GroupValues {
  const values = g ? (JSON.parse(g) as (string | null)[]) : [];
  const out: GroupValues = {};
  keys.forEach((k, i) => (out[k] = values[i] ?? null));
  return out;
}

/** A meter's quantity from its rollup rows (shards, hours, groups): how each aggregation adds up. */
export function combineRollups(aggregation: MeterDef["aggregation"], rowsOf: RollupRow[]): string | null {
  if (rowsOf.length === 0) return aggregation === "count" || aggregation === "sum" ? "0" : null;
  switch (aggregation) {
    case "count":
      return rowsOf.reduce((a, r) => a.plus(r.cnt), new D(0)).toFixed();
    case "sum":
      return rowsOf.reduce((a, r) => (r.s === null ? a : a.plus(r.s)), new D(0)).toFixed();
    case "max": {
      let best: InstanceType<typeof D> | null = null;
      for (const r of rowsOf) if (r.mx !== null && (best === null || best.lt(r.mx))) best = new D(r.mx);
      return best ? best.toFixed() : null;
    }
    case "latest": {
      let best: RollupRow | null = null;
      // lt_at: microseconds since the epoch, as text (exact, and independent of the session time zone).
      for (const r of rowsOf)
        if (r.lt_at !== null && (best === null || BigInt(r.lt_at) > BigInt(best.lt_at!))) best = r;
      return best?.lt ?? null;
    }
    default:
      return null;
  }
}

const WINDOW_BIN = {
  hour: sql.raw(`date_bin('1 hour', bucket_start, timestamptz '1970-01-01 00:00:00+00')`),
  day: sql.raw(`date_bin('1 day', bucket_start, timestamptz '1970-01-01 00:00:00+00')`),
};

/** Quantities per meter for one customer. Reads one query for the rollup meters plus up to three per unique_count meter. */
export async function queryUsage(req: UsageRequest, tx?: Executor): Promise<MeterUsage[]> {
  const { range } = req;
  const window = req.window ?? null;
  const groupBy = req.groupBy ?? [];
  const keysFor = (m: MeterDef) => (groupBy.length && groupBy.every((k) => m.groupBy.includes(k)) ? groupBy : []);
  const rollupMeters = req.meters.filter((m) => m.aggregation !== "unique_count");
  const starts = window ? windowStarts(range, window) : [];

  const byMeter = new Map<string, RollupRow[]>();
  if (rollupMeters.length > 0 && range.end > range.start) {
    // Group keys differ per meter only in whether they apply: meters that cannot group by them read null.
    const grouped = rollupMeters.filter((m) => keysFor(m).length > 0).map((m) => m.id);
    const g = groupBy.length
      ? sql`case when meter_id in (select json_array_elements_text(${JSON.stringify(grouped)}::text::json)) then ${groupSql(groupBy)} end`
      : sql`null::text`;
    // Grouped by the window's start as a timestamp; its epoch text is made once per group. Hours and
    // UTC days are fixed lengths of absolute time, so date_bin finds them without the time-zone
    // lookup date_trunc(…, 'UTC') makes per row (a month by day, 5,760 rollup rows: 8 → 4.5 ms of
    // SQL, bench/usage-read.mjs); months vary in length and keep date_trunc.
    const w =
      window === "month"
        ? sql`date_trunc('month', bucket_start, 'UTC')`
        : window
          ? WINDOW_BIN[window]
          : sql`null::timestamptz`;
    // The latest value needs an ordered aggregate (a sort per group, and no hash aggregation): only
    // when a latest meter is asked for, and only over the rows that carry a latest value.
    const latest = rollupMeters.some((m) => m.aggregation === "latest")
      ? sql`(array_agg(latest_value order by latest_at desc) filter (where latest_at is not null))[1]::text as lt,
            (extract(epoch from max(latest_at)) * 1000000)::bigint::text as lt_at`
      : sql`null::text as lt, null::text as lt_at`;
    const found = await rows<RollupRow>(
      sql`select meter_id, (extract(epoch from wt) * 1000)::bigint::text as w, g, cnt, s, mx, lt, lt_at
            from (select meter_id, ${w} as wt, ${g} as g,
                         sum(event_count)::text as cnt, sum(value_sum)::text as s, max(value_max)::text as mx, ${latest}
                    from usage_rollups
                   where org_id = ${req.orgId}
                     and meter_id = any(array(select json_array_elements_text(${JSON.stringify(rollupMeters.map((m) => m.id))}::text::json)))
                     and bucket_start >= ${range.start.toISOString()}::timestamptz and bucket_start < ${range.end.toISOString()}::timestamptz
                   group by 1, 2, 3) t`,
      tx,
    );
    for (const r of found) {
      const list = byMeter.get(r.meter_id);
      if (list) list.push(r);
      else byMeter.set(r.meter_id, [r]);
    }
  }

  const out: MeterUsage[] = [];
  for (const meter of req.meters) {
    const keys = keysFor(meter);
    if (meter.aggregation === "unique_count") {
      out.push(await uniqueUsage(req.orgId, meter, range, window, keys, starts, tx));
      continue;
    }
    const found = byMeter.get(meter.id) ?? [];
    const usage: MeterUsage = { meter, value: combineRollups(meter.aggregation, found) };
    if (keys.length) usage.groups = groupList(found, (list) => combineRollups(meter.aggregation, list), keys);
    if (window) {
      const byWindow = new Map<number, RollupRow[]>();
      for (const r of found) {
        const t = Number(r.w);
        const list = byWindow.get(t);
        if (list) list.push(r);
        else byWindow.set(t, [r]);
      }
      usage.windows = starts.map((start) => {
        const list = byWindow.get(start.getTime()) ?? [];
        const wv: WindowValue = {
          start,
          end: clampEnd(advance(start, window), range.end),
          value: combineRollups(meter.aggregation, list),
        };
        if (keys.length) wv.groups = groupList(list, (l) => combineRollups(meter.aggregation, l), keys);
        return wv;
      });
    }
    out.push(usage);
  }
  return out;
}

const clampEnd = (end: Date, limit: Date) => (end > limit ? limit : end);

function groupList<T extends { g: string | null }>(
  list: T[],
  value: (l: T[]) => string | null,
  keys: string[],
): GroupValue[] {
  const byGroup = new Map<string, T[]>();
  for (const r of list) {
    const k = r.g ?? "null";
    const l = byGroup.get(k);
    if (l) l.push(r);
    else byGroup.set(k, [r]);
  }
  return [...byGroup.entries()]
    .map(([g, l]) => ({ group: groupsOf(keys, g === "null" ? null : g), value: value(l) }))
    .sort((a, b) => JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
}

// Window starts of the distinct-values table as epoch milliseconds (timestamps without a zone are UTC here).
const DAY_MS = sql`(extract(epoch from day::timestamp) * 1000)::bigint::text`;
const MONTH_MS = sql`(extract(epoch from date_trunc('month', day::timestamp)) * 1000)::bigint::text`;

/** The hour mask of day `day` that the range covers, as SQL on the row's `day` column. */
function rangeMaskSql(range: Period): SQL {
  const first = range.start;
  const last = new Date(range.end.getTime() - HOUR);
  const firstDay = first.toISOString().slice(0, 10);
  const lastDay = last.toISOString().slice(0, 10);
  const fromBits = ((1 << 24) - 1) & ~((1 << first.getUTCHours()) - 1);
  const toBits = (1 << (last.getUTCHours() + 1)) - 1;
  return sql`(hours & (case when day = ${firstDay}::date then ${fromBits}::int else 16777215 end) & (case when day = ${lastDay}::date then ${toBits}::int else 16777215 end))`;
}

async function uniqueUsage(
  orgId: string,
  meter: MeterDef,
  range: Period,
  window: UsageWindow | null,
  keys: string[],
  starts: Date[],
  tx: Executor | undefined,
): Promise<MeterUsage> {
  if (range.end <= range.start)
    return {
      meter,
      value: "0",
      ...(keys.length ? { groups: [] } : {}),
      ...(window
        ? { windows: starts.map((s) => ({ start: s, end: clampEnd(advance(s, window), range.end), value: "0" })) }
        : {}),
    };
  const firstDay = range.start.toISOString().slice(0, 10);
  const lastDay = new Date(range.end.getTime() - HOUR).toISOString().slice(0, 10);
  const mask = rangeMaskSql(range);
  const g = keys.length ? groupSql(keys) : sql`null::text`;
  const base = sql`from usage_unique_values where org_id = ${orgId} and meter_id = ${meter.id} and day >= ${firstDay}::date and day <= ${lastDay}::date and ${mask} <> 0`;

  const [total] = await rows<{ n: string }>(sql`select count(distinct value)::text as n ${base}`, tx);
  const usage: MeterUsage = { meter, value: total?.n ?? "0" };
  if (keys.length) {
    const found = await rows<UniqueRow>(
      sql`select null::text as w, ${g} as g, count(distinct value)::text as n ${base} group by 2`,
      tx,
    );
    usage.groups = groupList(found, (l) => l[0]?.n ?? "0", keys);
  }
  if (window) {
    let found: UniqueRow[];
    if (window === "hour") {
      found = await rows<UniqueRow>(
        sql`select (extract(epoch from day::timestamp + make_interval(hours => h)) * 1000)::bigint::text as w, ${g} as g, count(distinct value)::text as n
              from usage_unique_values cross join generate_series(0, 23) as h
             where org_id = ${orgId} and meter_id = ${meter.id} and day >= ${firstDay}::date and day <= ${lastDay}::date
               and (${mask} & (1 << h)) <> 0
             group by 1, 2`,
        tx,
      );
    } else {
      const w = window === "day" ? DAY_MS : MONTH_MS;
      found = await rows<UniqueRow>(
        sql`select ${w} as w, ${g} as g, count(distinct value)::text as n ${base} group by 1, 2`,
        tx,
      );
    }
    // Totals per window across groups need their own distinct count when grouping.
    let totals: Map<number, string> | null = null;
    if (keys.length) {
      const w = window === "hour" ? null : window === "day" ? DAY_MS : MONTH_MS;
      const t = w
        ? await rows<UniqueRow>(
            sql`select ${w} as w, null::text as g, count(distinct value)::text as n ${base} group by 1`,
            tx,
          )
        : await rows<UniqueRow>(
            sql`select (extract(epoch from day::timestamp + make_interval(hours => h)) * 1000)::bigint::text as w, null::text as g, count(distinct value)::text as n
                  from usage_unique_values cross join generate_series(0, 23) as h
                 where org_id = ${orgId} and meter_id = ${meter.id} and day >= ${firstDay}::date and day <= ${lastDay}::date
                   and (${mask} & (1 << h)) <> 0
                 group by 1`,
            tx,
          );
      totals = new Map(t.map((r) => [Number(r.w), r.n]));
    }
    const byWindow = new Map<number, UniqueRow[]>();
    for (const r of found) {
      const t = Number(r.w);
      const list = byWindow.get(t);
      if (list) list.push(r);
      else byWindow.set(t, [r]);
    }
    usage.windows = starts.map((start) => {
      const list = byWindow.get(start.getTime()) ?? [];
      const value = totals ? (totals.get(start.getTime()) ?? "0") : (list[0]?.n ?? "0");
      const wv: WindowValue = { start, end: clampEnd(advance(start, window), range.end), value };
      if (keys.length) wv.groups = groupList(list, (l) => l[0]?.n ?? "0", keys);
      return wv;
    });
  }
  return usage;
}

/** Totals of count, sum and max meters for many (org, meter, range) at once: the limit check after a batch. */
export async function rollupTotals(
  items: { orgId: string; meterId: string; range: Period }[],
  tx?: Executor,
): Promise<Map<string, RollupRow>> {
  const out = new Map<string, RollupRow>();
  if (items.length === 0) return out;
  const input = JSON.stringify(
    items.map((i) => ({ o: i.orgId, m: i.meterId, f: i.range.start.toISOString(), u: i.range.end.toISOString() })),
  );
  const found = await rows<RollupRow & { org_id: string }>(
    sql`select t.o as org_id, t.m as meter_id, null::text as w, null::text as g,
               coalesce(sum(r.event_count), 0)::text as cnt, sum(r.value_sum)::text as s, max(r.value_max)::text as mx,
               (array_agg(r.latest_value order by r.latest_at desc nulls last))[1]::text as lt,
               (extract(epoch from max(r.latest_at)) * 1000000)::bigint::text as lt_at
          from json_to_recordset(${input}::text::json) as t(o text, m text, f timestamptz, u timestamptz)
          left join usage_rollups r on r.org_id = t.o and r.meter_id = t.m and r.bucket_start >= t.f and r.bucket_start < t.u
         group by t.o, t.m`,
    tx,
  );
  for (const r of found) out.set(`${r.org_id}\u0001${r.meter_id}`, r);
  return out;
}

/** One meter's quantity from a rollupTotals row. */
export function totalOf(aggregation: MeterDef["aggregation"], row: RollupRow | undefined): string | null {
  return combineRollups(aggregation, row ? [row] : []);
}

export { groupsOf as groupValuesOf, parseGroupKey };
