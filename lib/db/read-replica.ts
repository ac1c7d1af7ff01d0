// Reads that tolerate a bounded lag — dashboards, usage charts, admin lists, exports — go to a
// Postgres streaming replica when DATABASE_READ_URL names one; everything that decides money
// (spends, entitlements, call costs, the upcoming invoice's totals) keeps using `db`, the primary.
//
// The lag is measured, not assumed: every POLL_MS this process reads the primary's WAL position,
// then the replica's replay position and the commit time of the last transaction it replayed. A
// replica that has replayed past the primary's position is 0 ms behind; one that has not is behind
// by the age of what it last replayed (its clock: the same machine or NTP). readDb() answers the
// replica only while that lag is at most READ_REPLICA_MAX_LAG_MS and the measurement is fresh;
// otherwise — lag over the bound, the replica unreachable, no measurement yet — the primary. The
// lag is exported as tally_read_replica_lag_seconds (-1 while unmeasured) and each read's choice as
// tally_read_replica_reads_total{target}.
import "server-only";
import { sql } from "drizzle-orm";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { processState } from "@/lib/process-state";
import { db, openPostgres, rows, type Db, type Handle } from "./client";

const POLL_MS = 500;
/** A measurement older than this is not trusted: the poll itself is stuck. */
const STALE_MS = 4 * POLL_MS;

const replica = processState("db.read-replica", () => ({
  handle: undefined as Handle | undefined,
  lagMs: null as number | null,
  measuredAt: 0,
  timer: undefined as NodeJS.Timeout | undefined,
}));

/** The executor for a read that tolerates READ_REPLICA_MAX_LAG_MS of lag: the replica when it is within it, else the primary. */
export function readDb(): Db {
  const e = env();
  if (!e.DATABASE_READ_URL) return db;
  if (!replica.handle) {
    replica.handle = openPostgres(e.DATABASE_READ_URL, Math.max(2, Math.ceil(e.DATABASE_POOL_SIZE / 2)));
    void measureLag();
    replica.timer = setInterval(() => void measureLag(), POLL_MS);
    replica.timer.unref();
  }
  const fresh = Date.now() - replica.measuredAt <= STALE_MS;
  const within = replica.lagMs !== null && fresh && replica.lagMs <= e.READ_REPLICA_MAX_LAG_MS;
  metrics.readReplicaReads.inc({ target: within ? "replica" : "primary" });
  return within ? replica.handle.db : db;
}

/** The replica's lag as last measured (ms), or null when unmeasured or unreachable. */
export function replicaLagMs(): number | null {
  return replica.lagMs;
}

async function measureLag(): Promise<void> {
  const r = replica.handle?.db;
  if (!r) return;
  try {
    const [p] = await rows<{ lsn: string }>(sql`select pg_current_wal_lsn()::text as lsn`);
    const [s] = await rows<{ caught_up: boolean | null; age_ms: string | null; standby: boolean }>(
      sql`select pg_is_in_recovery() as standby,
                 pg_last_wal_replay_lsn() >= ${p!.lsn}::pg_lsn as caught_up,
                 (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::text as age_ms`,
      r,
    );
    // Not a standby (pointed at the primary itself, or promoted): nothing to lag behind.
    const lag = !s!.standby || s!.caught_up ? 0 : s!.age_ms === null ? null : Math.max(0, Number(s!.age_ms));
    replica.lagMs = lag;
    replica.measuredAt = Date.now();
    metrics.readReplicaLag.set(lag === null ? -1 : lag / 1000);
  } catch (err) {
    if (replica.lagMs !== null) log.warn({ err }, "read replica unreachable: reads go to the primary");
    replica.lagMs = null;
    metrics.readReplicaLag.set(-1);
  }
}

/** Stops polling and closes the replica's connections (tests, shutdown). */
export async function closeReadReplica(): Promise<void> {
  if (replica.timer) clearInterval(replica.timer);
  const h = replica.handle;
  Object.assign(replica, { handle: undefined, lagMs: null, measuredAt: 0, timer: undefined });
  if (h?.driver.kind === "postgres") await h.driver.client.end({ timeout: 5 });
}
