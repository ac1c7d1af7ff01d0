// Every affected customer's usage, per meter and UTC month, for the whole window in one set-based
// read of the rollups (plus one of the distinct-values table when a unique_count meter is priced):
// not one query per customer. Meters that some compared terms price per group value are read per
// group key, so each set of terms can add the groups up by the property it prices.
import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { decimal, nullable, selectRows, text } from "@/lib/db/rows";
import { D } from "@/lib/money";
import { parseGroupKey } from "@/lib/metering/contributions";
import type { MeterDef } from "@/lib/metering/meters";
import { NO_GROUP, ratable } from "@/lib/metering/priced-usage";
import { combineRollups, type RollupRow } from "@/lib/metering/usage-query";
import type { Quantity, UsageCharge } from "@/lib/rating";

type GroupValues = Record<string, string | null>;
/** A rollup row read by group key, with the key's values parsed once per distinct key. */
type MonthRow = RollupRow & { values?: GroupValues };
/** One meter's month for one customer: its rollup rows (one per group key when read by group), or unique counts per group key. */
type MeterMonth = { rows: MonthRow[]; uniqueTotal?: string; uniqueByKey?: Map<GroupValues, string> };

/** org id → month index (0 = the window's first month) → meter id → what was read. */
export type UsageByMonth = Map<string, Map<number, Map<string, MeterMonth>>>;

const ROLLUP_SHAPE = {
  org_id: text,
  meter_id: text,
  w: text,
  g: nullable(text),
  cnt: decimal,
  s: nullable(decimal),
  mx: nullable(decimal),
  lt: nullable(decimal),
  lt_at: nullable(text),
};
const UNIQUE_SHAPE = { org_id: text, meter_id: text, w: text, g: nullable(text), n: decimal };

const idsJson = (ids: string[]) => sql`array(select json_array_elements_text(${JSON.stringify(ids)}::text::json))`;
// The customers as a relation, never `org_id = any(array)`: over thousands of ids that is a linear
// search per rollup row (10,000 customers × 1.44 M rows: 72 s, bench/simulation.ts). Each customer's
// rows are aggregated in a lateral subquery, one small hash per customer: one hash over every
// customer's months outgrew work_mem and spilled to disk in 53 batches (4.7 s → 2.1 s).
const orgSet = (ids: string[]) =>
  sql`(select distinct json_array_elements_text(${JSON.stringify(ids)}::text::json) as org_id)`;

export async function readMonthlyUsage(
  tx: Executor,
  req: { orgIds: string[]; meters: MeterDef[]; grouped: Set<string>; months: Date[]; end: Date },
): Promise<UsageByMonth> {
  const out: UsageByMonth = new Map();
  if (req.orgIds.length === 0 || req.meters.length === 0 || req.months.length === 0) return out;
  const monthIndex = new Map(req.months.map((m, i) => [String(m.getTime()), i]));
  const slot = (org: string, w: string, meter: string): MeterMonth | undefined => {
    const i = monthIndex.get(w);
    if (i === undefined) return undefined;
    let byMonth = out.get(org);
    if (!byMonth) out.set(org, (byMonth = new Map()));
    let byMeter = byMonth.get(i);
    if (!byMeter) byMonth.set(i, (byMeter = new Map()));
    let mm = byMeter.get(meter);
    if (!mm) byMeter.set(meter, (mm = { rows: [] }));
    return mm;
  };
  // Group keys repeat across customers and months: each distinct one is parsed once.
  const parsed = new Map<string, GroupValues>();
  const valuesOf = (g: string) => {
    let v = parsed.get(g);
    if (!v) parsed.set(g, (v = parseGroupKey(g)));
    return v;
  };
  const from = req.months[0]!.toISOString();
  const to = req.end.toISOString();
  const rollupMeters = req.meters.filter((m) => m.aggregation !== "unique_count");
  const uniqueMeters = req.meters.filter((m) => m.aggregation === "unique_count");
  const groupedIds = (list: MeterDef[]) => list.filter((m) => req.grouped.has(m.code)).map((m) => m.id);

  const reads: Promise<void>[] = [];
  if (rollupMeters.length) {
    const latest = rollupMeters.some((m) => m.aggregation === "latest")
      ? sql`(array_agg(latest_value order by latest_at desc) filter (where latest_at is not null))[1]::text as lt,
            (extract(epoch from max(latest_at)) * 1000000)::bigint::text as lt_at`
      : sql`null::text as lt, null::text as lt_at`;
    reads.push(
      selectRows(
        ROLLUP_SHAPE,
        sql`select c.org_id, meter_id, (extract(epoch from wt) * 1000)::bigint::text as w, g, cnt, s, mx, lt, lt_at
              from ${orgSet(req.orgIds)} c cross join lateral
                   (select meter_id, date_trunc('month', bucket_start, 'UTC') as wt,
                           case when meter_id = any(${idsJson(groupedIds(rollupMeters))}) then group_key end as g,
                           sum(event_count)::text as cnt, sum(value_sum)::text as s, max(value_max)::text as mx, ${latest}
                      from usage_rollups r
                     where r.org_id = c.org_id and meter_id = any(${idsJson(rollupMeters.map((m) => m.id))})
                       and bucket_start >= ${from}::timestamptz and bucket_start < ${to}::timestamptz
                     group by 1, 2, 3) t`,
        tx,
      ).then((found) => {
        for (const r of found)
          slot(r.org_id, r.w, r.meter_id)?.rows.push(r.g === null ? r : { ...r, values: valuesOf(r.g) });
      }),
    );
  }
  if (uniqueMeters.length) {
    // Whole months cover whole days, so every distinct value of a day in the window counts. The
    // grouping sets give the month's distinct count (g null) and, for grouped meters, each key's.
    const grouped = groupedIds(uniqueMeters);
    reads.push(
      selectRows(
        UNIQUE_SHAPE,
        sql`select c.org_id, meter_id, w, g, n
              from ${orgSet(req.orgIds)} c cross join lateral
                   (select meter_id, (extract(epoch from date_trunc('month', day::timestamp)) * 1000)::bigint::text as w,
                           g, count(distinct value)::text as n
                      from (select meter_id, day, value,
                                   case when meter_id = any(${idsJson(grouped)}) then group_key end as g
                              from usage_unique_values v
                             where v.org_id = c.org_id and meter_id = any(${idsJson(uniqueMeters.map((m) => m.id))})
                               and day >= ${from.slice(0, 10)}::date and day < ${to.slice(0, 10)}::date) u
                     group by grouping sets ((1, 2), (1, 2, 3))) t`,
        tx,
      ).then((found) => {
        for (const r of found) {
          const mm = slot(r.org_id, r.w, r.meter_id);
          if (!mm) continue;
          if (r.g === null) mm.uniqueTotal = r.n;
          else (mm.uniqueByKey ??= new Map()).set(valuesOf(r.g), r.n);
        }
      }),
    );
  }
  await Promise.all(reads);
  return out;
}

/**
 * The quantities `charges` rate for one customer's month, as lib/metering/priced-usage.ts builds them
 * for an invoice: a group charge's meter per value of its property (values it did not see under
 * NO_GROUP), every other meter as a total; no usage, or a negative total, rates as 0.
 */
export function quantitiesFor(
  charges: UsageCharge[],
  meters: Map<string, MeterDef>,
  month: Map<string, MeterMonth> | undefined,
): Record<string, Quantity> {
  const out: Record<string, Quantity> = {};
  for (const c of charges) {
    const meter = meters.get(c.meter);
    if (!meter || Object.hasOwn(out, c.meter)) continue;
    const mm = month?.get(meter.id);
    if (c.model !== "group") {
      out[c.meter] = ratable(totalOf(meter, mm));
      continue;
    }
    const key = c.group_by;
    const groups: Record<string, string> = {};
    if (meter.groupBy.includes(key) && mm) {
      if (meter.aggregation === "unique_count") {
        // Distinct values per group key, added up per value of the priced property.
        for (const [values, n] of mm.uniqueByKey ?? []) {
          const name = values[key] ?? NO_GROUP;
          groups[name] = new D(groups[name] ?? "0").plus(n).toFixed();
        }
      } else {
        const byValue = new Map<string, RollupRow[]>();
        for (const r of mm.rows) {
          const name = r.values?.[key] ?? NO_GROUP;
          const list = byValue.get(name);
          if (list) list.push(r);
          else byValue.set(name, [r]);
        }
        for (const [name, list] of byValue) groups[name] = ratable(combineRollups(meter.aggregation, list));
      }
    } else {
      // The meter does not group by the charge's property: its usage cannot be split by value.
      groups[NO_GROUP] = ratable(totalOf(meter, mm));
    }
    out[c.meter] = { groups };
  }
  return out;
}

function totalOf(meter: MeterDef, mm: MeterMonth | undefined): string | null {
  if (meter.aggregation === "unique_count") return mm?.uniqueTotal ?? "0";
  return combineRollups(meter.aggregation, mm?.rows ?? []);
}
