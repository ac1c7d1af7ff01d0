import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, rows } from "@/lib/db/client";
import { idempotent, requestHash } from "@/lib/idempotency/idempotent";
import { uid } from "./support/fixtures";

beforeAll(async () => {
  await db.execute(sql`create table if not exists effects_test (id serial primary key, k text not null)`);
});

const effect = (k: string) =>
  idempotent({ orgId: "org_test", scope: "test.effect", key: k, request: { amount: 5, note: "x" } }, async (tx) => {
    await tx.execute(sql`insert into effects_test (k) values (${k})`);
    await new Promise((r) => setTimeout(r, 20));
    return { status: 201, body: { done: k } };
  });

describe("idempotent operations", () => {
  it("runs once for ten concurrent requests with the same key and replays the first answer to the rest", async () => {
    const k = uid();
    const results = await Promise.all(Array.from({ length: 10 }, () => effect(k)));
    const [count] = await rows<{ n: number }>(sql`select count(*)::int as n from effects_test where k = ${k}`);
    expect(count!.n).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 && (r.body as { done: string }).done === k)).toBe(true);
  });

  it("refuses the same key with a different body with idempotency_conflict", async () => {
    const k = uid();
    await effect(k);
    await expect(
      idempotent({ orgId: "org_test", scope: "test.effect", key: k, request: { amount: 6 } }, async () => ({
        status: 200,
        body: {},
      })),
    ).rejects.toMatchObject({ code: "idempotency_conflict" });
  });

  it("does not store a failed attempt, so a retry runs again", async () => {
    const k = uid();
    await expect(
      idempotent({ orgId: "org_test", scope: "test.fail", key: k, request: {} }, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const again = await idempotent({ orgId: "org_test", scope: "test.fail", key: k, request: {} }, async () => ({
      status: 200,
      body: { ok: true },
    }));
    expect(again).toEqual({ status: 200, body: { ok: true }, replayed: false });
  });

  it("hashes bodies independently of key order", () => {
    expect(requestHash({ a: 1, b: { c: 2, d: 3 } })).toBe(requestHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });
});
