// Per test file: a database of its own — an in-memory PGlite started from the migrated dump
// (global-pglite.ts), or a fresh copy of the migrated Postgres template (global-postgres.ts) —
// installed as the app's database for the file's tests.
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDatabase, openPglite, openPostgres, installDatabase } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { testPostgresUrl, withDatabase } from "./pg-url";

process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-000";
process.env.LOG_LEVEL ??= "silent";
process.env.SEED_DEMO = "false";
process.env.JOBS_ENABLED = "false";
// Tests assert alerts right after each batch; the server checks at most once a second per customer.
process.env.ALERT_CHECK_INTERVAL_MS = "0";
delete process.env.DATABASE_URL;
resetEnvCache();

let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (process.env.TEST_DB === "postgres") {
    const url = testPostgresUrl()!;
    const name = `tally_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(withDatabase(url, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject("pgTemplate")}`);
    installDatabase(openPostgres(withDatabase(url, name), 10));
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    const snapshot = new Blob([fs.readFileSync(inject("pgliteSnapshot"))]);
    installDatabase(openPglite(undefined, await PGlite.create({ loadDataDir: snapshot })));
  }
});

afterAll(async () => {
  await closeDatabase();
  await dropDatabase?.();
});
