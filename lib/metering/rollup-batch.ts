// A batch's rollups and distinct values, aggregated in the process before they go to Postgres:
// pure, no database. The ingest statement then upserts one row per (org, meter, hour, group) from
// these rows instead of grouping and sorting the batch's contributions in SQL, which was a third of
// the database's time per event (a join, a sort under the database's collation, an aggregate).
//
// Exactness: the same numbers the SQL aggregate gives. Count is a count. Sum and max are exact
// decimals: integers of up to 15 digits are added as JS numbers while the sum stays a safe integer
// (exact by construction), anything else goes through decimal.js at a precision no sum of stored
// values can reach; a sum keeps the largest scale of its terms, as Postgres numeric does. Latest is
// the value of the contribution with the greatest (event time, position in the batch), and its time.
import { D } from "@/lib/money";
import { NativeDate } from "@/lib/native-date";
import type { Contribution, UniqueContribution } from "./contributions";

/** What aggregation needs of an event. */
export type BatchEvent = {
  index: number;
  orgId: string;
  timestamp: Date;
  rollups: Contribution[];
  uniques: UniqueContribution[];
};

/** One upsert into usage_rollups. Times are epoch milliseconds; s, x and lv are decimal strings. */
export type RollupRow = {
  o: string;
  m: string;
  b: number;
  k: string;
  n: number;
  s: string | null;
  x: string | null;
  lv: string | null;
  lt: number | null;
};
/** One upsert into usage_unique_values: the hours (bit h = hour h, UTC) of the day `d` in which the value occurred. */
export type UniqueRow = { o: string; m: string; d: string; k: string; v: string; h: number };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * Exact at any size a stored value allows: values are at most 1e30 in absolute value and written out
 * in full, so a sum's digits are bounded by the longest value's plus the batch size's.
 */
const Exact = D.clone({ precision: 100_000 });
const SMALL_INT = /^-?\d{1,15}$/;

type Acc = RollupRow & {
  sumNum: number;
  sumDec: InstanceType<typeof Exact> | null;
  scale: number;
  maxNum: number | null;
  li: number;
};

/** The rollup and unique rows of a batch, each sorted by its key (the order the statement locks them in). */
export function aggregateBatch(events: readonly BatchEvent[]): { rollups: RollupRow[]; uniques: UniqueRow[] } {
  const rollups = new Map<string, Acc>();
  const uniques = new Map<string, UniqueRow>();
  for (const e of events) {
    const t = e.timestamp.getTime();
    if (e.rollups.length > 0) {
      const b = Math.floor(t / HOUR_MS) * HOUR_MS;
      for (const c of e.rollups) {
        const key = `${e.orgId}\u0000${c.meterId}\u0000${b}\u0000${c.groupKey}`;
        let a = rollups.get(key);
        if (!a) {
          a = {
            o: e.orgId,
            m: c.meterId,
            b,
            k: c.groupKey,
            n: 0,
            s: null,
            x: null,
            lv: null,
            lt: null,
            sumNum: 0,
            sumDec: null,
            scale: 0,
            maxNum: null,
            li: -1,
          };
          rollups.set(key, a);
        }
        a.n++;
        if (c.value !== null) addValue(a, c.value);
        if (c.latest && (a.lt === null || t > a.lt || (t === a.lt && e.index > a.li))) {
          a.lt = t;
          a.li = e.index;
          a.lv = c.value;
        }
      }
    }
    if (e.uniques.length > 0) {
      const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
      const d = new NativeDate(dayStart).toISOString().slice(0, 10);
      const bit = 1 << Math.floor((t - dayStart) / HOUR_MS);
      for (const u of e.uniques) {
        const key = `${e.orgId}\u0000${u.meterId}\u0000${d}\u0000${u.groupKey}\u0000${u.value}`;
        const row = uniques.get(key);
        if (row) row.h |= bit;
        else uniques.set(key, { o: e.orgId, m: u.meterId, d, k: u.groupKey, v: u.value, h: bit });
      }
    }
  }
  const rollupRows: RollupRow[] = [];
  // A row has a sum exactly when it has a max: when some contribution had a value.
  for (const a of rollups.values()) {
    rollupRows.push({
      o: a.o,
      m: a.m,
      b: a.b,
      k: a.k,
      n: a.n,
      s: a.x === null ? null : a.sumDec ? a.sumDec.toFixed(a.scale) : String(a.sumNum),
      x: a.x,
      lv: a.lv,
      lt: a.lt,
    });
  }
  rollupRows.sort((p, q) => cmp(p.o, q.o) || cmp(p.m, q.m) || p.b - q.b || cmp(p.k, q.k));
  const uniqueRows = [...uniques.values()].sort(
    (p, q) => cmp(p.o, q.o) || cmp(p.m, q.m) || cmp(p.d, q.d) || cmp(p.k, q.k) || cmp(p.v, q.v),
  );
  return { rollups: rollupRows, uniques: uniqueRows };
}

function addValue(a: Acc, v: string): void {
  const small = SMALL_INT.test(v);
  // Sum.
  if (small && a.sumDec === null) {
    const next = a.sumNum + Number(v);
    if (Number.isSafeInteger(next)) a.sumNum = next;
    else a.sumDec = new Exact(a.sumNum).plus(v);
  } else {
    a.sumDec = (a.sumDec ?? new Exact(a.sumNum)).plus(v);
    if (!small) a.scale = Math.max(a.scale, scaleOf(v));
  }
  // Max: the first of equal values stays.
  if (a.x === null) {
    a.x = v;
    a.maxNum = small ? Number(v) : null;
  } else if (small && a.maxNum !== null ? Number(v) > a.maxNum : new Exact(v).gt(a.x)) {
    a.x = v;
    a.maxNum = small ? Number(v) : null;
  }
}

/** The scale Postgres numeric gives the text: digits after the point as written ("1.50": 2). */
function scaleOf(v: string): number {
  if (/[eE]/.test(v)) return Math.max(0, new Exact(v).decimalPlaces());
  const dot = v.indexOf(".");
  return dot < 0 ? 0 : v.length - dot - 1;
}

/** Code-point order, as Postgres's "C" collation compares UTF-8 bytes. */
function cmp(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order differs from code-point order only between surrogates and U+E000–U+FFFF.
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
