// Raw SQL for the hot paths (ingest, usage reads, entitlements) as prepared statements on
// Postgres: drizzle sends every query unprepared, so Postgres plans the ingest statement (a
// five-part CTE) again on every call. postgres.js prepares a statement once per connection, by
// its text, and reuses the plan. Inside a caller's transaction, and on PGlite, queries go through
// drizzle as usual.
//
// With prepared statements postgres.js serializes parameters by their declared type: JSON is
// therefore passed as text and cast in SQL (`${json}::text::jsonb`), never as `::jsonb` directly.
import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { driver, rows, type Executor } from "@/lib/db/client";

const dialect = new PgDialect({ casing: "snake_case" });

export async function hotQuery<T>(query: SQL, x?: Executor): Promise<T[]> {
  const d = driver();
  if (x || d.kind !== "postgres") return rows<T>(query, x);
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await d.client.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
}
