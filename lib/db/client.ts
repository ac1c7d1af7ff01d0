// The Drizzle client: postgres.js against DATABASE_URL, or an embedded PGlite under TALLY_DATA_DIR.
import "server-only";
import { processState } from "@/lib/process-state";
import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { SQL } from "drizzle-orm";
import postgres from "postgres";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Both drivers expose the same query builder; code is written against this common type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export type Driver =
  { kind: "postgres"; client: postgres.Sql; url: string } | { kind: "pglite"; client: PGlite; lockFile?: string };

export type Handle = { db: Db; driver: Driver };

const database = processState("db", () => ({ handle: undefined as Handle | undefined }));

/**
 * A connection URL as postgres.js takes it. libpq's `?host=/path` (a Unix socket directory, e.g.
 * `postgres://postgres@localhost/tally?host=/var/run/postgresql`) becomes postgres.js's `host`
 * option; postgres.js would otherwise send it to the server as a setting and fail.
 */
export function connectionOptions(url: string): { url: string; host?: string } {
  const u = new URL(url);
  const dir = u.searchParams.get("host");
  if (!dir?.startsWith("/")) return { url };
  u.searchParams.delete("host");
  return { url: u.toString(), host: dir };
}

/** A postgres.js client for a connection URL (a Unix socket directory included, as above). */
export function postgresClient(
  url: string,
  options: postgres.Options<Record<string, postgres.PostgresType>> = {},
): postgres.Sql {
  const conn = connectionOptions(url);
  return postgres(conn.url, { ...(conn.host ? { host: conn.host } : {}), onnotice: () => {}, ...options });
}

export function openPostgres(url: string, max = env().DATABASE_POOL_SIZE): Handle {
  const client = postgresClient(url, {
    max,
    // numeric and int8 arrive as strings (postgres.js's default): money never passes through a JS float.
    // jit off: Tally's statements read a few hundred rows, but a generic estimate over the partitioned
    // usage_events (a batch's lateral reads, lib/payments/late-usage.ts) crosses jit_above_cost, and
    // compiling took ~0.9 s of a 1.4 ms read (bench/explain-late-usage.ts).
    connection: { application_name: "tally", jit: "off" },
  });
  const db = drizzlePostgres(preparing(guardingTransactions(client)), {
    schema,
    casing: "snake_case",
  }) as unknown as Db;
  return { db, driver: { kind: "postgres", client, url } };
}

/** Statements longer than this stay unnamed: a text that long is built from its data (many rows). */
const PREPARE_MAX_CHARS = 16_384;
const dialect = new PgDialect({ casing: "snake_case" });

/**
 * drizzle sends every query unprepared, and postgres.js runs an unprepared query with parameters
 * in two round trips (Parse/Describe, wait for the parameter types, then Bind/Execute), which also
 * stops it pipelining the statements behind it. Prepared, a statement is parsed once per
 * connection and every later run is one Bind/Execute, pipelined with its neighbours: a credit spend
 * goes from ten round trips to five. This wraps the client drizzle holds (and the transaction and
 * savepoint clients it gets from it) so its queries are prepared, by their text, up to a length:
 * our statements keep data in parameters (JSON arrays), so their texts are few. postgres.js drops
 * a connection's statements with the connection (max_lifetime, 30–60 minutes).
 */
export function preparing<S extends postgres.Sql | postgres.TransactionSql | postgres.ReservedSql>(
  client: S,
  clientOptions?: postgres.Sql["options"],
  /** Called before each statement is handed to the client; throws to refuse it (a closed reserved connection). */
  beforeSend?: () => void,
): S {
  return new Proxy(client, {
    get(target, prop, receiver) {
      // A reserved connection's handle has no options of its own; drizzle reads the parsers there.
      if (prop === "options" && clientOptions) return clientOptions;
      if (prop === "unsafe") {
        return (text: string, params?: never[], options?: postgres.UnsafeQueryOptions) => {
          beforeSend?.();
          return target.unsafe(text, params, { ...options, prepare: text.length <= PREPARE_MAX_CHARS });
        };
      }
      if (prop === "begin" || prop === "savepoint") {
        const open = Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const cb = args.pop() as (tx: postgres.TransactionSql) => unknown;
          return open.call(target, ...args, (tx: postgres.TransactionSql) => cb(preparing(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * PGlite keeps its data in one folder and has no locking of its own: two processes that open the
 * same folder both "work" and silently lose writes. A lock file with the owner's pid refuses a
 * second owner with a message that says what to do.
 */
function lockDataDir(dir: string): string {
  makeDataDirPrivate(dir);
  const lockFile = path.join(dir, "tally.lock");
  try {
    const owner = Number(fs.readFileSync(lockFile, "utf8").trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${owner}. Stop that process, ` +
          `set TALLY_DATA_DIR to another folder, or set DATABASE_URL to use a Postgres server.`,
      );
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.writeFileSync(lockFile, String(process.pid), { mode: 0o600 });
  const release = () => {
    try {
      if (fs.readFileSync(lockFile, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {}
  };
  process.once("exit", release);
  return lockFile;
}

/**
 * The data folder holds every tenant's data and, unless AUTH_SECRET is set, the key that signs
 * sessions: only the owner may read it (folders 0700, files 0600). The umask makes everything
 * PGlite writes from now on owner-only; a folder left readable by an earlier version is fixed.
 */
export function makeDataDirPrivate(dir: string): void {
  try {
    const previous = process.umask(0o077);
    process.umask(previous | 0o077);
  } catch {
    // A worker thread cannot change the umask; the 0700 folder still keeps everyone else out.
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fixed = restrictModes(dir);
  if (fixed > 0)
    log.warn(
      { dir, fixed },
      "the embedded database was readable by other users; its folders are now 0700 and its files 0600",
    );
}

/** chmod go-rwx on `dir` and everything under it (symlinks are left alone); returns how many entries changed. */
function restrictModes(dir: string): number {
  let fixed = 0;
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) {
      fs.chmodSync(p, st.mode & 0o700);
      fixed++;
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return fixed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `dataDir` undefined opens an in-memory database (tests). */
export function openPglite(dataDir?: string, client?: PGlite): Handle {
  let lockFile: string | undefined;
  if (dataDir && !client) {
    lockFile = lockDataDir(path.resolve(dataDir));
  }
  const pg = client ?? (dataDir ? new PGlite(path.resolve(dataDir, "pgdata")) : new PGlite());
  if (dataDir && !client) {
    // A new database is unpacked from PGlite's image with its own modes (0666), past the umask;
    // made owner-only before the first query runs (this reaction is registered first).
    const dir = path.resolve(dataDir);
    pg.waitReady.then(
      () => restrictModes(dir),
      () => {},
    );
  }
  const db = drizzlePglite(pg, { schema, casing: "snake_case" }) as unknown as Db;
  return { db, driver: { kind: "pglite", client: pg, lockFile } };
}

function open(): Handle {
  const e = env();
  return e.DATABASE_URL ? openPostgres(e.DATABASE_URL) : openPglite(e.TALLY_DATA_DIR);
}

function handle(): Handle {
  database.handle ??= open();
  return database.handle;
}

const inTransaction = processState("db.in-transaction", () => new AsyncLocalStorage<true>());

/**
 * The process's database. A Proxy so that modules can `import { db }` at load time while the
 * connection opens on first use (and `next build` never opens it). It also refuses `db` inside a
 * `db.transaction` callback: on PGlite (one connection) that query would wait for the transaction
 * forever; the error names the fix instead of hanging.
 */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const real = handle().db as unknown as Record<PropertyKey, unknown>;
    const value = real[prop];
    if (typeof value !== "function") return value;
    if (inTransaction.getStore()) {
      throw new Error(
        `db.${String(prop)}() was called inside db.transaction(): use the transaction's executor (tx) instead.`,
      );
    }
    if (prop === "transaction") {
      return (fn: (tx: Tx) => Promise<unknown>, config?: unknown) =>
        (value as (f: (tx: Tx) => Promise<unknown>, c?: unknown) => Promise<unknown>).call(
          real,
          (tx) => inTransaction.run(true, () => fn(tx)),
          config,
        );
    }
    return (value as (...a: unknown[]) => unknown).bind(real);
  },
});

/**
 * Runs `fn` outside any transaction's async context. A timer or callback started inside a
 * transaction inherits that context and, firing after the commit, would be refused the database
 * by the guard above; started through this, it runs as work of its own.
 */
export function outsideTransaction<T>(fn: () => T): T {
  return inTransaction.exit(fn);
}

/** A transaction's executor, and a way to send its last statement together with its COMMIT. */
export type Pipeline = { tx: Executor; commitWith: <T>(last: SQL) => Promise<T[]> };

const ALREADY_COMMITTED = "pipelinedTransaction: the transaction was already committed";

/**
 * A short read-then-write transaction in two round trips on Postgres: BEGIN goes out with the
 * first statements (pipelined on one reserved connection) and COMMIT with the last, which the
 * caller sends through `commitWith` (statements after it are refused; without it, COMMIT follows
 * when `fn` returns). db.transaction would wait for BEGIN and for COMMIT on their own: four round
 * trips for the same work, each one a wake-up of the server process. A throw rolls back. On
 * PGlite, a plain transaction.
 */
export async function pipelinedTransaction<T>(fn: (p: Pipeline) => Promise<T>): Promise<T> {
  const h = handle();
  if (h.driver.kind !== "postgres") {
    return h.db.transaction((tx) => {
      let open = true;
      const commitWith = <R>(last: SQL) => {
        if (!open) throw new Error(ALREADY_COMMITTED);
        open = false;
        return rows<R>(last, tx);
      };
      return inTransaction.run(true, () => fn({ tx, commitWith }));
    });
  }
  const w = await watchedConnection(h.driver.client);
  const { conn, ensureOpen, orClosed } = w;
  // Sent now, ahead of anything fn sends. A failed BEGIN (a broken connection) fails the statements
  // behind it too; it is checked before COMMIT all the same.
  let beginFailed: unknown = null;
  const begun = conn
    .unsafe("begin", [], w.watch)
    .execute()
    .then(
      () => {},
      (e: unknown) => void (beginFailed = e ?? new Error("BEGIN failed")),
    );
  let open = true;
  /** Past this point the transaction ends with COMMIT (or, if a statement failed, rolls back there). */
  const closing = async () => {
    if (!open) throw new Error(ALREADY_COMMITTED);
    await begun;
    if (beginFailed) throw beginFailed;
    ensureOpen();
    open = false;
  };
  try {
    const prepared = preparing(conn, h.driver.client.options, ensureOpen);
    const tx = drizzlePostgres(prepared, { casing: "snake_case" }) as unknown as Executor;
    const result = await orClosed(
      inTransaction.run(true, () =>
        fn({
          tx,
          commitWith: async <R>(last: SQL) => {
            await closing();
            // Queued in this order on the connection: the statement, then COMMIT (which rolls back if
            // the statement failed). Both settle before anything else is decided.
            const { sql: text, params } = dialect.sqlToQuery(last);
            const statement = prepared.unsafe(text, params as never[]).execute();
            const commit = conn.unsafe("commit").execute();
            const [out, done] = await Promise.allSettled([statement, commit]);
            if (out.status === "rejected") throw out.reason;
            if (done.status === "rejected") throw done.reason;
            return out.value as unknown as R[];
          },
        }),
      ),
    );
    if (open) {
      await closing();
      await orClosed(conn.unsafe("commit").execute());
    }
    return result;
  } catch (e) {
    if (open && !w.closedBy()) await orClosed(conn.unsafe("rollback").execute()).catch(() => {});
    throw e;
  } finally {
    w.release();
  }
}

/**
 * A connection reserved from the pool for one transaction, and watched. postgres.js gives no sign
 * on a reserved handle that its socket closed (a database restart, a terminated backend): a
 * statement sent on it afterwards never settles (and throws from a timer), and releasing it puts
 * the dead connection back among the open ones, where whatever is given it next never settles
 * either — that is how a Postgres restart wedged credit spends (issue 15). BEGIN's `onexecute`
 * (`watch`, to be passed to the BEGIN statement) hands over the connection, whose `onclose`
 * postgres.js calls when the socket closes (its own begin() watches the same hook). Once closed,
 * nothing is sent on it (`ensureOpen` throws) and `release` leaves it alone: the pool already
 * counts it as closed and reconnects it when needed. Statements postgres.js queued on the
 * connection but had not yet sent when it closed are never settled either: a wait wrapped in
 * `orClosed` also ends, with the connection error, when the connection closes.
 */
type WatchedConnection = {
  conn: postgres.ReservedSql;
  watch: postgres.UnsafeQueryOptions;
  /** The error the connection closed with, or null while it is open. */
  closedBy: () => unknown;
  ensureOpen: () => void;
  orClosed: <R>(p: Promise<R>) => Promise<R>;
  release: () => void;
};

async function watchedConnection(client: postgres.Sql): Promise<WatchedConnection> {
  const conn = await reserveConnection(client);
  let closedBy: unknown = null;
  let watched: PoolConnection | null = null;
  let onClosed: (e: unknown) => void = () => {};
  const whenClosed = new Promise<never>((_, reject) => (onClosed = reject));
  whenClosed.catch(() => {}); // only ever awaited through orClosed
  const watch: postgres.UnsafeQueryOptions & { onexecute: (c: PoolConnection) => boolean } = {
    onexecute: (c) => {
      watched = c;
      c.onclose = (e) => {
        closedBy = e ?? Object.assign(new Error("the database connection closed"), { code: "CONNECTION_CLOSED" });
        onClosed(closedBy);
      };
      return true; // the connection stays ready for the statements pipelined behind BEGIN
    },
  };
  return {
    conn,
    watch,
    closedBy: () => closedBy,
    ensureOpen: () => {
      if (closedBy) throw closedBy;
    },
    orClosed: (p) => Promise.race([p, whenClosed]),
    release: () => {
      if (closedBy) return;
      if (watched) (watched as PoolConnection).onclose = null;
      conn.release();
    },
  };
}

/**
 * The pool client, guarded against two ways postgres.js 3.4.9 leaves a caller waiting forever
 * after a connection is lost (docs/reliability.md, "Load with faults"):
 * - `begin()` (what drizzle's `db.transaction` calls) is replaced by `guardedBegin`. postgres.js's
 *   own begin() goes on writing to a connection whose socket has closed (the callback's next
 *   statements, then the ROLLBACK): the write throws a TypeError from a timer before clearing its
 *   write timer, and every later write on that connection object is buffered and never sent —
 *   after a reconnect its start-up message too — so transactions, and then any query the pool
 *   gives that connection, never settle.
 * - A statement outside a transaction (`unsafe()`, all drizzle sends) that no connection has taken
 *   within RESERVE_TIMEOUT_MS fails with CONNECT_TIMEOUT (a 503), as a transaction waiting for a
 *   connection does: the pool can hand a statement to a connection that is reconnecting and will
 *   not finish (the stuck write above, when a backend dies while a statement is being handed to
 *   it), and the statement would wait out the 30 s connect timeout, or longer. It stays queued in
 *   postgres.js and may still run later; every write path Tally answers is idempotent by its key.
 */
function guardingTransactions(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "begin") return (...args: unknown[]) => guardedBegin(target, ...args);
      if (prop === "unsafe")
        return (...a: Parameters<postgres.Sql["unsafe"]>) =>
          boundedWait(target.unsafe(...a) as unknown as PendingQuery) as unknown;
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** Fails `q` with CONNECT_TIMEOUT if no connection has taken it (postgres.js sets `state` then) within RESERVE_TIMEOUT_MS of its sending. */
function boundedWait(q: PendingQuery): PendingQuery {
  const send = q.handler;
  q.handler = (query) => {
    const timer = setTimeout(() => {
      if (query.state !== null) return;
      query.reject(
        Object.assign(new Error(`no database connection within ${RESERVE_TIMEOUT_MS} ms`), { code: "CONNECT_TIMEOUT" }),
      );
    }, RESERVE_TIMEOUT_MS);
    const done = () => clearTimeout(timer);
    query.then(done, done);
    send(query);
  };
  return q;
}

/** A postgres.js query before it is sent: the function it is handed to for sending, and how to fail it. */
type PendingQuery = Promise<unknown> & {
  handler: (q: PendingQuery) => void;
  reject: (e: unknown) => void;
  /** Set when a connection takes the query (postgres.js's execute()); null until then. */
  state: unknown;
};

/** The SQLSTATE of a statement sent in a transaction that an earlier failed statement aborted. */
const IN_FAILED_TRANSACTION = "25P02";

/**
 * postgres.js's `begin([options], fn)` and `savepoint([name], fn)` on a watched reserved
 * connection (watchedConnection): the same transaction — BEGIN, `fn(tx)`, COMMIT, or ROLLBACK
 * (to the savepoint) if `fn` throws or any statement in it failed, even one whose error `fn`
 * caught — but nothing is sent once the connection has closed, every wait ends when it closes
 * (the caller gets the connection error: a 503), and a closed connection is never given back. The
 * wait for a connection is bounded (reserveConnection). `tx` serves `unsafe()` (all drizzle uses)
 * and `savepoint()`; a tagged-template query on it would bypass the guard.
 */
async function guardedBegin(client: postgres.Sql, ...args: unknown[]): Promise<unknown> {
  const fn = args.pop() as (tx: postgres.TransactionSql) => unknown;
  const mode = typeof args[0] === "string" ? args[0].replace(/[^a-z ]/gi, "") : "";
  const w = await watchedConnection(client);
  const control = (text: string) => {
    w.ensureOpen();
    return w.orClosed(w.conn.unsafe(text).execute());
  };
  let savepoints = 0;

  const scope = async (body: (tx: postgres.TransactionSql) => unknown, savepoint?: string): Promise<unknown> => {
    let failed: unknown = null;
    const guard = (q: PendingQuery) => {
      const send = q.handler;
      q.handler = (query) => {
        const closedBy = w.closedBy();
        if (closedBy) return query.reject(closedBy);
        query.catch((e: unknown) => void (failed ??= e));
        send(query);
      };
      return q;
    };
    const tx = new Proxy(w.conn, {
      get(target, prop, receiver) {
        if (prop === "unsafe")
          return (...a: Parameters<postgres.Sql["unsafe"]>) =>
            guard(target.unsafe(...a) as unknown as PendingQuery) as unknown;
        if (prop === "savepoint")
          return (...a: unknown[]) => {
            const inner = a.pop() as (tx: postgres.TransactionSql) => unknown;
            const name = typeof a[0] === "string" ? `_${a[0].replace(/[^a-z0-9_]/gi, "")}` : "";
            return scope(inner, `s${savepoints++}${name}`);
          };
        if (prop === "release") return undefined;
        return Reflect.get(target, prop, receiver);
      },
    }) as unknown as postgres.TransactionSql;

    if (savepoint) await control(`savepoint ${savepoint}`);
    let result: unknown;
    try {
      const out = await w.orClosed(Promise.resolve().then(() => body(tx)));
      result = Array.isArray(out) ? await w.orClosed(Promise.all(out)) : out;
      if (failed) throw failed;
    } catch (e) {
      if (!w.closedBy()) await control(savepoint ? `rollback to ${savepoint}` : "rollback");
      throw ((e as { code?: unknown } | null)?.code === IN_FAILED_TRANSACTION && failed) || e;
    }
    if (!savepoint) await control("commit");
    return result;
  };

  try {
    await w.orClosed(w.conn.unsafe(`begin ${mode}`.trim(), [], w.watch).execute());
    return await scope(fn);
  } finally {
    w.release();
  }
}

/**
 * How long a transaction waits for a pooled connection. Far above a wait under load (spends and
 * ingestion bound what they run at once); it exists because postgres.js can lose a waiting reserve
 * request: when a connection closes while requests wait, the pool hands the first one to the
 * reconnecting connection, which drops a reserve request (it expects to find it still queued), and
 * that caller would wait forever.
 */
const RESERVE_TIMEOUT_MS = 5_000;

async function reserveConnection(client: postgres.Sql): Promise<postgres.ReservedSql> {
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  const reserving = client.reserve();
  try {
    return await Promise.race([
      reserving,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          gaveUp = true;
          reject(
            Object.assign(new Error(`no database connection within ${RESERVE_TIMEOUT_MS} ms`), {
              code: "CONNECT_TIMEOUT",
            }),
          );
        }, RESERVE_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    // A connection that arrives after we gave up goes straight back to the pool.
    if (gaveUp)
      reserving.then(
        (c) => c.release(),
        () => {},
      );
  }
}

/** What pipelinedTransaction reads of a postgres.js connection: the hook its pool calls when the socket closes. */
type PoolConnection = { onclose: ((e: unknown) => void) | null };

/**
 * A query built once per database (with sql.placeholder for its inputs) and then only executed:
 * drizzle otherwise renders a query's SQL from its column list on every call, which on a hot route
 * costs about as much server CPU as the round trip. Keyed by the database, so tests that install
 * their own get queries of their own.
 */
export function builtOnce<Q>(build: (d: Db) => Q): () => Q {
  const cache = new WeakMap<Db, Q>();
  return () => {
    const d = handle().db;
    let q = cache.get(d);
    if (q === undefined) cache.set(d, (q = build(d)));
    return q;
  };
}

export function driver(): Driver {
  return handle().driver;
}

/** Tests install their own database (a PGlite in memory, or a fresh Postgres database), and put the previous one back. */
export function installDatabase(h: Handle | undefined) {
  database.handle = h;
}

/** The database in use, if one is open: for a test that installs another and puts this one back. */
export function installedDatabase(): Handle | undefined {
  return database.handle;
}

export async function closeDatabase() {
  const h = database.handle;
  database.handle = undefined;
  if (!h) return;
  if (h.driver.kind === "postgres") await h.driver.client.end({ timeout: 5 });
  else {
    await h.driver.client.close();
    if (h.driver.lockFile) fs.rmSync(h.driver.lockFile, { force: true });
  }
}

/** Raw SQL returning rows, the same shape on both drivers. Cast numeric/bigint columns in SQL. */
export async function rows<T>(query: SQL, tx: Executor = db): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown;
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
