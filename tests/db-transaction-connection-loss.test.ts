// db.transaction when the pool's connections are killed (issue 15, fault suite part 5). postgres.js
// 3.4.9's own begin() went on writing to a connection whose socket had closed, which threw from a
// timer and left that connection unable to send anything again: transactions, and later any query
// given that connection, never settled. Every db.transaction (webhooks, grants, most writes) now
// runs on a watched reserved connection (lib/db/client.ts). Postgres only: PGlite has no connections to lose.
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, driver, installDatabase, installedDatabase, openPostgres, rows } from "@/lib/db/client";
import { isConnectionError } from "@/lib/db/errors";

const onPostgres = process.env.TEST_DB === "postgres";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `p`, or rejects if it has not settled within `ms`: a hang fails the test instead of stalling it. */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms)),
    ),
  ]);
}

let admin: postgres.Sql;
let previous: ReturnType<typeof installedDatabase>;
let small: ReturnType<typeof openPostgres>;

beforeAll(async () => {
  if (!onPostgres) return;
  const d = driver();
  if (d.kind !== "postgres") throw new Error("expected the Postgres test database");
  admin = postgres(d.url, { max: 1, onnotice: () => {}, connection: { application_name: "tally-test-admin" } });
  await admin`create table if not exists tx_probe (id text primary key, n int not null)`;
  previous = installedDatabase();
  small = openPostgres(d.url, 4);
  installDatabase(small);
});

afterAll(async () => {
  if (!onPostgres) return;
  installDatabase(previous);
  if (small.driver.kind === "postgres") await small.driver.client.end({ timeout: 5 });
  await admin?.end({ timeout: 5 });
});

/**
 * Terminates the backends of the app's pools (application_name 'tally') in this test's database,
 * but not those still being set up: postgres.js reads the array types on each new connection with
 * a promise nobody awaits, and a kill at that moment is an unhandled rejection in the library.
 */
async function killPool(): Promise<number> {
  const killed = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity
    where datname = current_database() and application_name = 'tally' and pid <> pg_backend_pid()
      and query <> '' and query not like '%typarray%'`;
  return killed.length;
}

/** A transaction of a few statements, each its own round trip, as a webhook apply or a grant is. */
async function probe(id: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`insert into tx_probe (id, n) values (${id}, 1)`);
    await tx.execute(sql`select pg_sleep(0.005)`);
    await tx.execute(sql`update tx_probe set n = n + 1 where id = ${id}`);
    const [row] = await rows<{ n: number }>(sql`select n from tx_probe where id = ${id}`, tx);
    return row!.n;
  });
}

describe.skipIf(!onPostgres)("db.transaction with the pool's connections killed", () => {
  it("settles every transaction (committed, or a connection error), commits none by halves, and serves new transactions afterwards", async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `tx-${i}-${Math.random().toString(36).slice(2)}`);
    const settled = ids.map((id) =>
      probe(id).then(
        (n) => ({ id, ok: true as const, n, error: null as unknown }),
        (error: unknown) => ({ id, ok: false as const, n: 0, error }),
      ),
    );
    let killed = 0;
    for (let i = 0; i < 3; i++) {
      await sleep(i === 0 ? 20 : 60);
      killed += await killPool();
    }
    expect(killed).toBeGreaterThan(0);

    // Every transaction settles; a failure is a connection error (the route answers it 503), nothing else.
    const outcomes = await bounded(Promise.all(settled), 20_000, "transactions during the kills");
    const others = outcomes.filter((o) => !o.ok && !isConnectionError(o.error)).map((o) => String(o.error));
    expect(others).toEqual([]);
    expect(outcomes.filter((o) => o.ok).every((o) => o.n === 2)).toBe(true);

    // A committed transaction has both its writes; a failed one left nothing behind.
    const stored = await rows<{ id: string; n: number }>(
      sql`select id, n from tx_probe where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
    );
    const committed = new Set(outcomes.filter((o) => o.ok).map((o) => o.id));
    expect(stored.filter((r) => !committed.has(r.id))).toEqual([]);
    expect(stored.map((r) => r.n)).toEqual(stored.map(() => 2));
    expect(stored.length).toBe(committed.size);

    // The pool serves again: 40 concurrent transactions on its 4 connections, each retried once
    // after a connection error (a connection the kills broke may still fail its next use).
    const again = (id: string) =>
      probe(id).catch((e: unknown) => (isConnectionError(e) ? probe(`${id}-r`) : Promise.reject(e)));
    const after = await bounded(
      Promise.all(Array.from({ length: 40 }, (_, i) => again(`after-${i}-${Math.random().toString(36).slice(2)}`))),
      10_000,
      "transactions after the kills",
    );
    expect(after).toEqual(after.map(() => 2));
  });
});

describe.skipIf(!onPostgres)("db.transaction on Postgres keeps postgres.js's transaction semantics", () => {
  it("rolls a nested transaction back to its savepoint only, and fails a transaction whose failed statement was caught", async () => {
    const id = `nested-${Math.random().toString(36).slice(2)}`;
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into tx_probe (id, n) values (${id}, 1)`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`update tx_probe set n = 100 where id = ${id}`);
          throw new Error("inner fails");
        }),
      ).rejects.toThrow("inner fails");
      await tx.execute(sql`update tx_probe set n = n + 1 where id = ${id}`);
    });
    expect(await rows<{ n: number }>(sql`select n from tx_probe where id = ${id}`)).toEqual([{ n: 2 }]);

    // A statement that failed inside the transaction aborts it even if the callback caught the error:
    // COMMIT would silently roll back, so the caller gets the statement's error instead.
    const lost = `lost-${Math.random().toString(36).slice(2)}`;
    const run = db.transaction(async (tx) => {
      await tx.execute(sql`insert into tx_probe (id, n) values (${lost}, 1)`);
      await tx.execute(sql`insert into tx_probe (id, n) values (${id}, 1)`).catch(() => {});
      return "committed?";
    });
    await expect(run).rejects.toMatchObject({ code: "23505" });
    expect(await rows(sql`select n from tx_probe where id = ${lost}`)).toEqual([]);
  });
});
