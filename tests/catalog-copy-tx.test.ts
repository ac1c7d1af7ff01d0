// A catalog copy found old inside a transaction (the meters index read by a price simulation, say)
// is reloaded behind the caller as work of its own: not on the caller's transaction, and not refused
// by the guard against the pool inside one (it was, and the copy stayed old until read elsewhere).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { catalogCopy } from "@/lib/cache/catalog-copy";
import { db } from "@/lib/db/client";
import { uid } from "./support/fixtures";

describe("a catalog copy found old inside a transaction", () => {
  it("answers the old copy at once and is read anew outside the transaction", async () => {
    let loads = 0;
    const copy = catalogCopy(
      `test.tx.${uid()}`,
      async (ex) => {
        await ex.execute(sql`select 1`);
        return ++loads;
      },
      0, // every copy is old: each get reloads behind
    );
    expect(await copy.get()).toBe(1);
    await db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      expect(await copy.get({ tx })).toBe(1);
    });
    for (let i = 0; i < 100 && loads < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(loads).toBe(2);
    expect(await copy.get()).toBe(2);
  });
});
