// The embedded database's folder on disk: only its owner may read it (issue 15, item 8).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { makeDataDirPrivate, openPglite } from "@/lib/db/client";
import { captureLog } from "./support/log";

/** Every path under `dir` whose mode lets a group or other users in, with that mode. */
function openToOthers(dir: string): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.mode & 0o077) out.push(`${path.relative(dir, p) || "."} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return out;
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "tally-data-"));

describe("the embedded database's files", () => {
  it("are created owner-only: the folder 0700, every file 0600", async () => {
    if (process.env.TEST_DB === "postgres") return; // the same check needs no second run
    const parent = tempDir();
    const dir = path.join(parent, "data");
    const h = openPglite(dir);
    try {
      await h.db.execute(sql`create table t (x int)`);
      await h.db.execute(sql`insert into t values (1)`);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(path.join(dir, "pgdata")).length).toBeGreaterThan(5);
      expect(openToOthers(dir)).toEqual([]);
    } finally {
      await (h.driver.kind === "pglite" ? h.driver.client.close() : undefined);
      fs.rmSync(parent, { recursive: true, force: true });
    }
  }, 60_000);

  it("fixes a folder an earlier version left readable by everyone", () => {
    const dir = tempDir();
    try {
      fs.chmodSync(dir, 0o755);
      fs.mkdirSync(path.join(dir, "pgdata", "base"), { recursive: true, mode: 0o755 });
      fs.chmodSync(path.join(dir, "pgdata"), 0o755);
      fs.chmodSync(path.join(dir, "pgdata", "base"), 0o755);
      fs.writeFileSync(path.join(dir, "pgdata", "base", "1234"), "secret", { mode: 0o666 });
      fs.chmodSync(path.join(dir, "pgdata", "base", "1234"), 0o666);
      fs.writeFileSync(path.join(dir, "owner-read-only"), "x", { mode: 0o400 });
      expect(openToOthers(dir).length).toBe(4);
      const lines = captureLog(() => makeDataDirPrivate(dir));
      expect(openToOthers(dir)).toEqual([]);
      // The operator is told, once, with how many entries were fixed.
      expect(lines.map((l) => JSON.parse(l) as { level: string; fixed: number; dir: string })).toEqual([
        expect.objectContaining({ level: "warn", fixed: 4, dir }),
      ]);
      expect(fs.statSync(path.join(dir, "pgdata", "base", "1234")).mode & 0o777).toBe(0o600);
      // The owner's own bits are kept: a read-only file stays read-only.
      expect(fs.statSync(path.join(dir, "owner-read-only")).mode & 0o777).toBe(0o400);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
