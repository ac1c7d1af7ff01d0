// Vitest global setup for the pglite project: one PGlite database migrated once and dumped to a
// file; each test file then starts its own in-memory PGlite from that dump (setup-db.ts) instead of
// running initdb and every migration again (about a second of CPU per file, 72 files).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openPglite, closeDatabase, installDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-pglite-"));
  const file = path.join(dir, "migrated.tar");
  const h = openPglite();
  installDatabase(h);
  await migrate(h.db, h.driver);
  if (h.driver.kind !== "pglite") throw new Error("openPglite() answered another driver");
  const dump = await h.driver.client.dumpDataDir("none");
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await closeDatabase();
  project.provide("pgliteSnapshot", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
