import fs from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { connectionOptions, db, driver, openPostgres, pipelinedTransaction, rows } from "@/lib/db/client";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("database", () => {
  it("applies the migrations: every table exists", async () => {
    const tables = await rows<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["organizations", "users", "api_keys", "plans", "subscriptions", "subscription_history"]),
    );
  });

  it("runs two conflicting read-modify-write transactions one after the other, losing no update", async () => {
    await db.execute(sql`create table if not exists counter_test (id int primary key, n int not null)`);
    await db.execute(sql`insert into counter_test values (1, 0) on conflict (id) do update set n = 0`);
    const order: string[] = [];
    const bump = (name: string) =>
      db.transaction(async (tx) => {
        order.push(`${name}:start`);
        const [row] = await rows<{ n: number }>(sql`select n from counter_test where id = 1 for update`, tx);
        await sleep(50); // a window in which an interleaved transaction would read the same n
        await tx.execute(sql`update counter_test set n = ${row!.n + 1} where id = 1`);
        order.push(`${name}:end`);
      });
    await Promise.all([bump("a"), bump("b")]);
    const [final] = await rows<{ n: number }>(sql`select n from counter_test where id = 1`);
    expect(final!.n).toBe(2);
    if (driver().kind === "pglite") {
      // PGlite has one connection: the second transaction does not even start until the first ends.
      expect(order).toEqual(["a:start", "a:end", "b:start", "b:end"]);
    }
  });

  it("makes a query from another request wait for an open transaction on PGlite instead of interleaving", async () => {
    if (driver().kind !== "pglite") return;
    await db.execute(sql`create table if not exists seen_test (v text)`);
    const events: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.execute(sql`insert into seen_test values ('inside')`);
      events.push("tx wrote");
      await sleep(50);
      events.push("tx commits");
    });
    await sleep(5);
    const read = rows<{ c: number }>(sql`select count(*)::int as c from seen_test`).then((r) => {
      events.push(`outside read ${r[0]!.c}`);
    });
    await Promise.all([tx, read]);
    expect(events).toEqual(["tx wrote", "tx commits", "outside read 1"]);
  });
});

describe("pipelined transactions (BEGIN with the first statements, COMMIT with the last)", () => {
  const setUp = async () => {
    await db.execute(sql`create table if not exists pipeline_test (id int primary key, n int not null)`);
    await db.execute(sql`delete from pipeline_test`);
    await db.execute(sql`insert into pipeline_test values (1, 0)`);
  };
  const all = () => rows<{ id: number; n: number }>(sql`select id, n from pipeline_test order by id`);

  it("commits what it wrote with its last statement, and answers that statement's rows", async () => {
    await setUp();
    const out = await pipelinedTransaction(async ({ tx, commitWith }) => {
      await tx.execute(sql`insert into pipeline_test values (2, 20)`);
      return commitWith<{ n: number }>(sql`update pipeline_test set n = n + 5 where id = 1 returning n`);
    });
    expect(out).toEqual([{ n: 5 }]);
    expect(await all()).toEqual([
      { id: 1, n: 5 },
      { id: 2, n: 20 },
    ]);
  });

  it("commits when the work returns without a last statement, and refuses a statement after the commit", async () => {
    await setUp();
    await pipelinedTransaction(
      async ({ tx }) => void (await tx.execute(sql`insert into pipeline_test values (3, 30)`)),
    );
    expect(await all()).toEqual([
      { id: 1, n: 0 },
      { id: 3, n: 30 },
    ]);
    await expect(
      pipelinedTransaction(async ({ commitWith }) => {
        await commitWith(sql`update pipeline_test set n = 1 where id = 1`);
        await commitWith(sql`update pipeline_test set n = 2 where id = 1`);
      }),
    ).rejects.toThrow(/already committed/);
  });

  it("keeps nothing when the work throws, or when the last statement fails, and the connection serves the next one", async () => {
    await setUp();
    await expect(
      pipelinedTransaction(async ({ tx }) => {
        await tx.execute(sql`insert into pipeline_test values (4, 40)`);
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await expect(
      pipelinedTransaction(async ({ tx, commitWith }) => {
        await tx.execute(sql`insert into pipeline_test values (5, 50)`);
        await commitWith(sql`insert into pipeline_test values (1, 1)`); // duplicate key
      }),
    ).rejects.toSatisfy((e: Error) => /duplicate key/.test(`${e.message} ${String(e.cause)}`));
    expect(await all()).toEqual([{ id: 1, n: 0 }]);
    // Failures gave their connections back: more transactions than the pool has connections still run.
    for (let i = 0; i < 25; i++)
      await pipelinedTransaction(({ commitWith }) => commitWith(sql`update pipeline_test set n = n + 1 where id = 1`));
    expect(await all()).toEqual([{ id: 1, n: 25 }]);
  });

  it("loses no update between concurrent read-modify-write transactions on one row", async () => {
    await setUp();
    const bump = () =>
      pipelinedTransaction(async ({ tx, commitWith }) => {
        const [row] = await rows<{ n: number }>(sql`select n from pipeline_test where id = 1 for update`, tx);
        await sleep(5);
        await commitWith(sql`update pipeline_test set n = ${row!.n + 1} where id = 1`);
      });
    await Promise.all(Array.from({ length: 12 }, bump));
    expect(await all()).toEqual([{ id: 1, n: 12 }]);
  });
});

describe("statements on Postgres", () => {
  it.runIf(process.env.TEST_DB === "postgres")(
    "prepares drizzle's queries, in and out of transactions, and leaves data-sized texts unnamed",
    async () => {
      const d = driver();
      if (d.kind !== "postgres") throw new Error("expected the Postgres run");
      const h = openPostgres(d.url, 1);
      const mark = `tally_prepared_probe_${Date.now()}`;
      const prepared = (x: Parameters<typeof rows>[1]) =>
        rows<{ statement: string }>(
          sql`select statement from pg_prepared_statements where statement like ${`%${mark}%`} and statement not like '%pg_prepared_statements%'`,
          x,
        );
      try {
        // One connection: the statements this test prepares are visible to its later queries.
        await rows(sql`select ${1}::int as ${sql.raw(mark)}`, h.db);
        await h.db.transaction(async (tx) => {
          await rows(sql`select ${2}::int as ${sql.raw(`${mark}_tx`)}`, tx);
          expect((await prepared(tx)).map((r) => r.statement).sort()).toEqual([
            `select $1::int as ${mark}`,
            `select $1::int as ${mark}_tx`,
          ]);
        });
        const long = `${mark}_${"x".repeat(20_000)}`;
        await rows(sql`select ${3}::int as ok, ${long}::text as ${sql.raw(mark + "_long")}`, h.db);
        await rows(sql.raw(`select 4 as ok where '${long}' <> ''`), h.db);
        expect((await prepared(h.db)).some((r) => r.statement.length > 16_384)).toBe(false);
      } finally {
        if (h.driver.kind === "postgres") await h.driver.client.end({ timeout: 5 });
      }
    },
  );
});

describe("connection URLs", () => {
  it("takes libpq's ?host=/socket/dir as a Unix socket and leaves other URLs alone", () => {
    expect(connectionOptions("postgres://u@localhost:5432/tally?host=/var/run/postgresql&sslmode=disable")).toEqual({
      url: "postgres://u@localhost:5432/tally?sslmode=disable",
      host: "/var/run/postgresql",
    });
    expect(connectionOptions("postgres://u:p@db.internal:5432/tally")).toEqual({
      url: "postgres://u:p@db.internal:5432/tally",
    });
  });

  const socketDir = "/var/run/postgresql";
  const socketable = process.env.TEST_DB === "postgres" && fs.existsSync(`${socketDir}/.s.PGSQL.5432`);
  it.runIf(socketable)("connects to Postgres over its Unix socket", async () => {
    const d = driver();
    if (d.kind !== "postgres") throw new Error("expected the Postgres run");
    const url = new URL(d.url);
    url.searchParams.set("host", socketDir);
    const h = openPostgres(url.toString(), 1);
    try {
      // Over a Unix socket the server has no client address.
      const [row] = await rows<{ addr: string | null; db: string }>(
        sql`select inet_client_addr()::text as addr, current_database() as db`,
        h.db,
      );
      expect(row).toEqual({ addr: null, db: url.pathname.slice(1) });
    } finally {
      if (h.driver.kind === "postgres") await h.driver.client.end({ timeout: 5 });
    }
  });
});
