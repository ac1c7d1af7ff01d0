// The one row decoder for raw SQL. A query that must stay SQL (windows, laterals, measured
// statements) names its columns once with a decoder each; decodeRows turns what either driver
// hands back into typed rows: PGlite and postgres.js differ in how timestamps (Date or text),
// int8 (bigint, number or text) and numeric (text) arrive, and this is where that difference ends.
// Ordinary table reads use drizzle's query builder instead and need none of this.
import "server-only";
import type { SQL } from "drizzle-orm";
import { db, type Executor } from "./client";

/** Turns one column's value, as a driver returns it, into the value the code works with. */
export type Decoder<T> = (v: unknown, column: string) => T;
export type RowShape = Record<string, Decoder<unknown>>;
export type RowOf<S extends RowShape> = { [K in keyof S]: ReturnType<S[K]> };

function wrong(column: string, want: string, v: unknown): Error {
  return new Error(`row decoder: column ${column} is not ${want} (${v === null ? "null" : typeof v})`);
}

/** text (and any value that is already a string, an enum's label included) */
export const text: Decoder<string> = (v, c) => {
  if (typeof v === "string") return v;
  throw wrong(c, "text", v);
};

/** A text column holding one of a union's labels (a status, a kind): the SQL schema keeps it to them. */
export const label = <T extends string>(): Decoder<T> => text as Decoder<T>;

/** An integer (int4, int8 or a numeric holding a whole count): a JS number. Minor units and counts stay far below 2^53. */
export const int: Decoder<number> = (v, c) => {
  const n = typeof v === "number" ? v : typeof v === "bigint" || typeof v === "string" ? Number(v) : NaN;
  if (Number.isFinite(n)) return n;
  throw wrong(c, "an integer", v);
};

/** numeric: its exact text, for decimal.js (never a float). */
export const decimal: Decoder<string> = (v, c) => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  throw wrong(c, "numeric", v);
};

/** timestamptz or date: PGlite returns a Date, postgres.js (through drizzle) the text. */
export const date: Decoder<Date> = (v, c) => {
  const d = v instanceof Date ? v : typeof v === "string" ? new Date(v) : undefined;
  if (d && !Number.isNaN(d.getTime())) return d;
  throw wrong(c, "a timestamp", v);
};

export const bool: Decoder<boolean> = (v, c) => {
  if (typeof v === "boolean") return v;
  throw wrong(c, "a boolean", v);
};

/** json/jsonb: parsed by either driver, or text to parse. Its shape is the writer's; T names it. */
export const json =
  <T>(): Decoder<T> =>
  (v) =>
    (typeof v === "string" ? JSON.parse(v) : v) as T;

/** The column may be null (an outer join, an aggregate over no rows). */
export const nullable =
  <T>(d: Decoder<T>): Decoder<T | null> =>
  (v, c) =>
    v === null || v === undefined ? null : d(v, c);

/** The rows of a result as either driver returns it (postgres.js: an array; PGlite: { rows }). */
export function resultRows(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);
}

/** Decodes a raw result's rows by the shape: every named column, each by its decoder; others are dropped. */
export function decodeRows<S extends RowShape>(shape: S, result: unknown): RowOf<S>[] {
  const entries = Object.entries(shape);
  return resultRows(result).map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [column, decode] of entries) row[column] = decode(raw[column], column);
    return row as RowOf<S>;
  });
}

/** Runs raw SQL and decodes its rows by the shape. */
export async function selectRows<S extends RowShape>(shape: S, query: SQL, tx: Executor = db): Promise<RowOf<S>[]> {
  return decodeRows(shape, await tx.execute(query));
}
