// Reads that tolerate lag on a real streaming replica (lib/db/read-replica.ts): a primary and a
// standby made with pg_basebackup on two ports of this machine (tests/support/pg-standby.ts). The
// replica's replay is paused to make it fall behind, so the test can see where each read went.
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrimaryAndStandby, type Standby } from "../support/pg-standby";

const PORT = Number(process.env.REPLICA_TEST_PORT ?? 5491);
const MAX_LAG_MS = 3_000;
let pg: Standby;
let standbySql: postgres.Sql;
type Lib = {
  createOrganization: typeof import("@/lib/orgs/organizations").createOrganization;
  listCustomers: typeof import("@/lib/revenue/lists").listCustomers;
  readDb: typeof import("@/lib/db/read-replica").readDb;
  replicaLagMs: typeof import("@/lib/db/read-replica").replicaLagMs;
  closeReadReplica: typeof import("@/lib/db/read-replica").closeReadReplica;
  db: typeof import("@/lib/db/client").db;
  metrics: typeof import("@/lib/metrics").metrics;
};
let lib: Lib;

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const names = async () => (await lib.listCustomers({ limit: 100 })).rows.map((c) => c.name).sort();

beforeAll(async () => {
  pg = startPrimaryAndStandby(PORT);
  const admin = postgres(pg.primaryUrl(), { max: 1, onnotice: () => {} });
  await admin`create database tally_replica`;
  await admin.end();
  process.env.DATABASE_URL = pg.primaryUrl("tally_replica");
  process.env.DATABASE_READ_URL = pg.standbyUrl("tally_replica");
  process.env.READ_REPLICA_MAX_LAG_MS = String(MAX_LAG_MS);
  process.env.LOG_LEVEL = "error"; // the replica stopped on purpose is logged as a warning
  const client = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  await migrate(client.db, client.driver());
  lib = {
    ...(await import("@/lib/orgs/organizations")),
    ...(await import("@/lib/revenue/lists")),
    ...(await import("@/lib/db/read-replica")),
    db: client.db,
    metrics: (await import("@/lib/metrics")).metrics,
  };
  // The database appears on the standby once replayed.
  await waitFor("the standby to have the database", async () => {
    try {
      standbySql = postgres(pg.standbyUrl("tally_replica"), { max: 1, onnotice: () => {} });
      await standbySql`select 1 from organizations limit 1`;
      return true;
    } catch {
      await standbySql.end();
      return false;
    }
  });
}, 120_000);

afterAll(async () => {
  await lib?.closeReadReplica();
  await (await import("@/lib/db/client")).closeDatabase();
  await standbySql?.end();
  pg?.stop();
});

describe("a read replica", () => {
  it("serves lag-tolerant reads while within the bound, the primary once it falls behind, and exports its lag", async () => {
    await lib.createOrganization({ name: "Alpha" });
    lib.readDb(); // starts measuring
    await waitFor("the replica caught up", () => lib.replicaLagMs() === 0);
    await waitFor("Alpha on the replica", async () => (await names()).includes("Alpha"));

    // A fresh commit replayed (the lag is measured from the last one replayed), then the replica
    // stops replaying: what the primary writes now is not on it.
    await lib.db.execute(sql`create table if not exists replica_beat (at timestamptz)`);
    await lib.db.execute(sql`insert into replica_beat values (now())`);
    // Until the standby has replayed the table's creation, reading it fails: that is "not yet".
    await waitFor("the beat replayed", async () =>
      standbySql`select 1 from replica_beat`.then(
        (r) => r.length > 0,
        () => false,
      ),
    );
    await standbySql`select pg_wal_replay_pause()`;
    await lib.createOrganization({ name: "Beta" });
    // Within the bound: the list comes from the replica, which has not seen Beta.
    expect(await names()).toEqual(["Alpha"]);
    // The primary, which money decisions read, has it at once.
    const onPrimary = await lib.listCustomers({ limit: 100 }, new Date(), lib.db);
    expect(onPrimary.rows.map((c) => c.name).sort()).toEqual(["Alpha", "Beta"]);

    // Past the bound the same read goes to the primary, and the lag is exported.
    await waitFor("the lag over the bound", () => (lib.replicaLagMs() ?? 0) > MAX_LAG_MS, 10_000);
    expect(await names()).toEqual(["Alpha", "Beta"]);
    const text = await lib.metrics.registry.metrics();
    const lag = Number(/^tally_read_replica_lag_seconds (\S+)$/m.exec(text)?.[1]);
    expect(lag).toBeGreaterThan(MAX_LAG_MS / 1000);
    expect(text).toMatch(/tally_read_replica_reads_total\{target="primary"\} [1-9]/);
    expect(text).toMatch(/tally_read_replica_reads_total\{target="replica"\} [1-9]/);

    // Replaying again, it catches up and takes the reads back.
    await standbySql`select pg_wal_replay_resume()`;
    await waitFor("the replica caught up again", () => lib.replicaLagMs() === 0);
    expect(await names()).toEqual(["Alpha", "Beta"]);
  });

  it("sends every read to the primary while the replica is unreachable", async () => {
    await standbySql.end();
    pg.stopStandby();
    await waitFor("the replica seen as down", () => lib.replicaLagMs() === null);
    await lib.createOrganization({ name: "Gamma" });
    expect(await names()).toEqual(["Alpha", "Beta", "Gamma"]);
    const text = await lib.metrics.registry.metrics();
    expect(text).toMatch(/^tally_read_replica_lag_seconds -1$/m);
  });
});
