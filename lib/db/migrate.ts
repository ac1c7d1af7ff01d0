// Applies the committed drizzle/ migrations. On Postgres, replicas starting together take turns
// behind an advisory lock; PGlite has a single owner by construction.
import "server-only";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { postgresClient, type Db, type Driver } from "./client";

const MIGRATIONS_LOCK = 724_001; // any constant; names the lock in pg_locks

export function migrationsFolder(): string {
  return path.join(process.cwd(), "drizzle");
}

export async function migrate(db: Db, driver: Driver): Promise<void> {
  const migrationsTable = { migrationsFolder: migrationsFolder(), migrationsSchema: "drizzle" };
  if (driver.kind === "pglite") {
    await drizzleMigrate(db as unknown as PostgresJsDatabase, migrationsTable);
    return;
  }
  // A connection of its own, so the session-level lock and the migration share it.
  const one = postgresClient(driver.url, { max: 1 });
  try {
    await one`select pg_advisory_lock(${MIGRATIONS_LOCK})`;
    await drizzleMigrate(drizzle(one), migrationsTable);
    await one`select pg_advisory_unlock(${MIGRATIONS_LOCK})`;
  } finally {
    await one.end({ timeout: 5 });
  }
}
