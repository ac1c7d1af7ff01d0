// Vitest global setup for the postgres project: a template database migrated once; each test file
// then gets its own copy (CREATE DATABASE … TEMPLATE), so files run in parallel, isolated.
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openPostgres, closeDatabase, installDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { testPostgresUrl, withDatabase } from "./pg-url";

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const url = testPostgresUrl()!;
  const template = `tally_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(withDatabase(url, "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  const h = openPostgres(withDatabase(url, template), 2);
  installDatabase(h);
  await migrate(h.db, h.driver);
  await closeDatabase();
  project.provide("pgTemplate", template);
  return async () => {
    const leftovers = await admin<
      { datname: string }[]
    >`select datname from pg_database where datname like ${`tally_t_${process.pid}_%`} or datname = ${template}`;
    for (const { datname } of leftovers) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}
