// Fault suite, part 3 (issue 15): Postgres crashes in the middle of concurrent credit spends and
// event ingestion, with two replicas. Not part of `npm test` (it runs for a few minutes); its
// figures go to docs/reliability.md.
//
// It creates a Postgres cluster of its own (initdb into a temporary folder, on its own port; the
// shared server is never touched), starts two production replicas of Tally on it (the existing
// build: `npm run build` first), drives credit spends and single events with idempotency keys
// through both, stops Postgres with `pg_ctl stop -m immediate` three times mid-load and starts it
// again, and then checks:
//   - every acknowledged spend and event is in the database, none twice, and the ledger invariants hold;
//   - every retry with the same key answers as the first time;
//   - while the database was down the replicas answered 503 (not 500, not a hang);
//   - afterwards every replica spends, ingests and reports healthy without a restart.
// It prints the figures as JSON and exits 1 when a check fails. Traffic goes to 127.0.0.1 only.
//
//   node scripts/fault-db-crash.mjs [--clients 16] [--ingest-clients 8] [--crashes 3] [--down 4]
//     [--between 8] [--customers 8] [--pg-port 55433] [--ports 3241,3242] [--timeout 15] [--keep]
import { execFile, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import {
  count,
  decided,
  now,
  parseOptions,
  pool as boundedPool,
  report,
  request,
  requireBuild,
  run,
  say,
  serverEnv,
  sleep,
  startServer,
  stopServer,
} from "./fault/harness.mjs";

const defaults = {
  clients: 16,
  ingest_clients: 8,
  crashes: 3,
  down: 4,
  between: 8,
  customers: 8,
  pg_port: 55433,
  ports: "3241,3242",
  timeout: 15,
  keep: "false",
};
const o = parseOptions(defaults);

const KEY = "tly_live_fault_db_crash_key_000000000000000";
function pgBin() {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error("no Postgres binaries under /usr/lib/postgresql/*/bin");
  return path.join(root, versions[0], "bin");
}

requireBuild();

// ---- the cluster ---------------------------------------------------------------------------------

const bin = pgBin();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-fault-db-"));
const dataDir = path.join(dir, "pgdata");
const pgLog = path.join(dir, "postgres.log");
const pgPort = o.pg_port;
const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/tally`;

// Postgres refuses to run as root: as root, the cluster belongs to the `postgres` user (PG_FAULT_USER).
const asRoot = process.getuid?.() === 0;
const pgUser = process.env.PG_FAULT_USER || "postgres";
function pgRun(tool, args) {
  const exe = path.join(bin, tool);
  return asRoot
    ? spawnSync("runuser", ["-u", pgUser, "--", exe, ...args], { encoding: "utf8" })
    : spawnSync(exe, args, { encoding: "utf8" });
}

/** pg_ctl, without blocking this process: the load goes on while Postgres stops and starts. */
function pgCtl(...args) {
  const exe = path.join(bin, "pg_ctl");
  const [file, argv] = asRoot
    ? ["runuser", ["-u", pgUser, "--", exe, "-D", dataDir, ...args]]
    : [exe, ["-D", dataDir, ...args]];
  return new Promise((resolve, reject) =>
    execFile(file, argv, { encoding: "utf8" }, (err, stdout, stderr) =>
      err ? reject(new Error(`pg_ctl ${args.join(" ")}: ${stderr || stdout}`)) : resolve(),
    ),
  );
}
const startPostgres = () =>
  pgCtl(
    "start",
    "-w",
    "-t",
    "60",
    "-l",
    pgLog,
    "-o",
    `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=120 -c shared_buffers=64MB`,
  );
const crashPostgres = () => pgCtl("stop", "-m", "immediate", "-w");

async function initCluster() {
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    spawnSync("chown", [pgUser, dir]);
  }
  const r = pgRun("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  if (r.status !== 0) throw new Error(`initdb: ${r.stderr}`);
  await startPostgres();
}

// ---- HTTP ----------------------------------------------------------------------------------------

/** One request with a deadline: `{ status, json }`, status "timeout" or "network" when there is no answer. */
function send(base, method, p, body, headers = {}, timeoutMs = o.timeout * 1000) {
  return request(`${base}${p}`, {
    method,
    data: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${KEY}`, ...headers },
    timeoutMs,
  });
}

// ---- the replicas --------------------------------------------------------------------------------

const ports = String(o.ports).split(",").map(Number);
const replicas = [];

async function startReplica(port, jobs) {
  const logFile = path.join(dir, `replica-${port}.log`);
  const child = await startServer({
    port,
    logFile,
    name: `replica ${port}`,
    env: serverEnv({ port, databaseUrl, key: KEY, jobs }),
  });
  const replica = { port, base: `http://127.0.0.1:${port}`, child, logFile };
  replicas.push(replica);
  return replica;
}

async function stopAll() {
  for (const r of replicas) await stopServer(r.child);
  await pgCtl("stop", "-m", "fast", "-w").catch(() => {});
  if (o.keep !== "true") fs.rmSync(dir, { recursive: true, force: true });
  else say(`kept ${dir}`);
}

// ---- the load ------------------------------------------------------------------------------------

/** Whether the database is down right now, and the windows in which it was. */
const outage = { down: false, windows: [] };
const attempts = []; // every request sent during the load: { kind, replica, status, down }
const spends = new Map(); // key → { replica, orgId, first: answer | null, statuses: [] }
const events = new Map(); // event id → { replica, orgId, first: status | null, statuses: [] }

function record(kind, replica, res, startedDown) {
  attempts.push({
    kind,
    replica,
    status: res.status,
    down: startedDown || outage.down,
    retryAfter: res.retryAfter ?? null,
  });
}

async function spendClient(c, customers, deadline) {
  const replica = replicas[c % replicas.length];
  let pending = null; // a key whose answer is still open: retried until decided
  while (now() < deadline) {
    const orgId = customers[(c + attempts.length) % customers.length];
    const s = pending ?? { key: randomUUID(), orgId, replica: replica.port, first: null, statuses: [] };
    spends.set(s.key, s);
    const down = outage.down;
    const res = await send(
      replica.base,
      "POST",
      "/api/v1/credits/consume",
      { customer_id: s.orgId, event_name: "fault_call", quantity: 1 },
      { "idempotency-key": s.key },
    );
    record("spend", replica.port, res, down);
    s.statuses.push(res.status);
    if (decided(res.status)) {
      s.first = { status: res.status, body: res.json };
      pending = null;
    } else {
      pending = s;
      await sleep(250);
    }
  }
}

async function ingestClient(c, externalIds, deadline) {
  const replica = replicas[c % replicas.length];
  let pending = null;
  while (now() < deadline) {
    const ext = externalIds[(c + attempts.length) % externalIds.length];
    const e = pending ?? { id: `evt-${randomUUID()}`, ext, replica: replica.port, first: null, statuses: [] };
    events.set(e.id, e);
    const down = outage.down;
    const res = await send(replica.base, "POST", "/api/v1/events", {
      event_name: "fault_event",
      external_customer_id: e.ext,
      event_id: e.id,
      properties: { n: 1 },
    });
    record("ingest", replica.port, res, down);
    e.statuses.push(res.status);
    if (decided(res.status)) {
      e.first = { status: res.status, body: res.json };
      pending = null;
    } else {
      pending = e;
      await sleep(250);
    }
  }
}

/** Crashes: `between` seconds of load, `down` seconds without a database, restart; `crashes` times. */
async function crasher() {
  const crashes = [];
  for (let i = 0; i < o.crashes; i++) {
    await sleep(o.between * 1000);
    const t = now();
    outage.down = true;
    await crashPostgres();
    say(`crash ${i + 1}: Postgres stopped -m immediate`);
    await sleep(o.down * 1000);
    outage.down = false; // requests sent from here may meet a database in recovery: counted as up
    await startPostgres();
    const back = now();
    outage.windows.push([t, back]);
    crashes.push({ down_s: +((back - t) / 1000).toFixed(1) });
    say(`crash ${i + 1}: Postgres up again`);
  }
  await sleep(o.between * 1000);
  return crashes;
}

// ---- checks --------------------------------------------------------------------------------------

/** As the harness's pool, with a 90 s budget: a wedged replica answers nothing, and each request waits out its timeout. */
const pool = (items, n, fn, budgetMs = 90_000) => boundedPool(items, n, fn, budgetMs);

async function main() {
  say(`cluster in ${dir} (${bin}), port ${pgPort}`);
  await initCluster();
  const admin = postgres(`postgres://postgres@127.0.0.1:${pgPort}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe("create database tally");
  await admin.end();

  const a = await startReplica(ports[0], true);
  say(`replica ${a.port} up (jobs on)`);
  // The catalog and the customers, through the API of the first replica; the second starts after.
  const must = async (p, body, want) => {
    const r = await send(a.base, "POST", p, body);
    if (r.status !== want) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  await must("/api/v1/credit-events", { code: "fault_call", name: "Fault call", credits: 1 }, 201);
  await must(
    "/api/v1/meters",
    { code: "fault_events", name: "Fault events", event_name: "fault_event", aggregation: "count" },
    201,
  );
  const customers = [];
  const externalIds = [];
  for (let i = 0; i < o.customers; i++) {
    const c = await must("/api/v1/customers", { name: `Fault ${i}`, external_id: `fault-${i}` }, 201);
    await must(
      "/api/v1/credits/grants",
      {
        customer_id: c.id,
        amount: 1_000_000_000,
        source: "purchased",
        reason: "fault suite",
        idempotency_key: `fault-grant-${i}`,
      },
      201,
    );
    customers.push(c.id);
    externalIds.push(`fault-${i}`);
  }
  const b = await startReplica(ports[1], false);
  say(
    `replica ${b.port} up (jobs off); load: ${o.clients} spend clients, ${o.ingest_clients} ingest clients over both`,
  );

  const loadSeconds = o.crashes * (o.between + o.down) + o.between + 2;
  const deadline = now() + loadSeconds * 1000;
  const [crashes] = await Promise.all([
    crasher(),
    ...Array.from({ length: o.clients }, (_, c) => spendClient(c, customers, deadline)),
    ...Array.from({ length: o.ingest_clients }, (_, c) => ingestClient(c, externalIds, deadline)),
  ]);
  say(`load over: ${attempts.length} requests`);

  // Recovery: every replica spends (each customer), ingests and says healthy, within the deadline, without a restart.
  // A request may still meet a connection the last crash broke and get a 503: it is retried with the same key
  // after its Retry-After, as a client does (three tries); a path that stays down still fails the run.
  const asClient = async (request) => {
    let res;
    for (let i = 0; i < 3; i++) {
      res = await request();
      if (res.status !== 503) return res;
      await sleep(1000);
    }
    return res;
  };
  const recovery = {};
  for (const r of replicas) {
    const spendsOk = await Promise.all(
      customers.map((orgId) => {
        const key = randomUUID();
        return asClient(() =>
          send(
            r.base,
            "POST",
            "/api/v1/credits/consume",
            { customer_id: orgId, credits: 1 },
            { "idempotency-key": key },
            10_000,
          ),
        );
      }),
    );
    const eventId = `evt-after-${randomUUID()}`;
    const ingestOk = await asClient(() =>
      send(
        r.base,
        "POST",
        "/api/v1/events",
        { event_name: "fault_event", external_customer_id: externalIds[0], event_id: eventId },
        {},
        10_000,
      ),
    );
    const health = await send(r.base, "GET", "/api/health", undefined, {}, 10_000);
    recovery[r.port] = {
      spends: count(spendsOk.map((x) => x.status)),
      ingest: ingestOk.status,
      health: health.status,
      health_body: health.json,
    };
  }

  // Open outcomes (5xx or no answer in the load): a retry with the same key now must decide them.
  const openSpends = [...spends.values()].filter((s) => !s.first);
  const openEvents = [...events.values()].filter((e) => !e.first);
  const unchecked = { open_spends: 0, open_events: 0, spend_replays: 0, event_replays: 0 };
  unchecked.open_spends = await pool(openSpends, 8, async (s) => {
    const r = replicas.find((x) => x.port === s.replica);
    const res = await send(
      r.base,
      "POST",
      "/api/v1/credits/consume",
      { customer_id: s.orgId, event_name: "fault_call", quantity: 1 },
      { "idempotency-key": s.key },
      10_000,
    );
    s.statuses.push(res.status);
    if (decided(res.status)) s.first = { status: res.status, body: res.json, late: true };
  });
  unchecked.open_events = await pool(openEvents, 8, async (e) => {
    const r = replicas.find((x) => x.port === e.replica);
    const res = await send(
      r.base,
      "POST",
      "/api/v1/events",
      { event_name: "fault_event", external_customer_id: e.ext, event_id: e.id, properties: { n: 1 } },
      {},
      10_000,
    );
    e.statuses.push(res.status);
    if (decided(res.status)) e.first = { status: res.status, body: res.json, late: true };
  });

  // Every acknowledged answer again, with the same key: the same answer.
  const ackSpends = [...spends.values()].filter((s) => s.first?.status === 200);
  const ackEvents = [...events.values()].filter((e) => e.first?.status === 202);
  let spendReplayMismatch = 0;
  unchecked.spend_replays = await pool(ackSpends, 8, async (s) => {
    const r = replicas.find((x) => x.port === s.replica);
    const res = await send(
      r.base,
      "POST",
      "/api/v1/credits/consume",
      { customer_id: s.orgId, event_name: "fault_call", quantity: 1 },
      { "idempotency-key": s.key },
      10_000,
    );
    if (
      res.status !== 200 ||
      res.json?.id !== s.first.body.id ||
      res.json?.balance_after !== s.first.body.balance_after
    )
      spendReplayMismatch++;
  });
  let eventReplayMismatch = 0;
  unchecked.event_replays = await pool(ackEvents, 8, async (e) => {
    const r = replicas.find((x) => x.port === e.replica);
    const res = await send(
      r.base,
      "POST",
      "/api/v1/events",
      { event_name: "fault_event", external_customer_id: e.ext, event_id: e.id, properties: { n: 1 } },
      {},
      10_000,
    );
    if (res.status !== 202 || res.json?.event_id !== e.id) eventReplayMismatch++;
  });

  // What the database holds.
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const ledgerOps = new Set(
    (await sql`select operation_id from credit_ledger where kind = 'consume'`).map((r) => r.operation_id),
  );
  const spendLost = ackSpends.filter((s) => !ledgerOps.has(s.first.body.id)).length;
  const [dup] = await sql`select
      (select count(*) from (select 1 from credit_ledger where kind = 'consume' and idempotency_key is not null group by org_id, idempotency_key having count(distinct operation_id) > 1) d)::int as spends_doubled,
      (select count(*) from (select 1 from usage_events group by org_id, event_id having count(*) > 1) d)::int as events_doubled`;
  const storedEvents = new Set((await sql`select event_id from usage_events`).map((r) => r.event_id));
  const eventLost = ackEvents.filter((e) => !storedEvents.has(e.id)).length;
  const [inv] = await sql`
    select
      (select count(*) from credit_balances b left join (select org_id, sum(amount) t from credit_ledger group by org_id) l on l.org_id = b.org_id
        left join credit_ledger n on n.org_id = b.org_id and n.seq = b.last_seq
        where b.balance <> coalesce(l.t, 0) or b.balance <> coalesce(n.balance_after, 0))::int as balance_vs_ledger,
      (select count(*) from credit_balances b left join (select org_id, sum(remaining) t from credit_grants group by org_id) g on g.org_id = b.org_id
        where b.balance <> coalesce(g.t, 0) - b.held - b.overage)::int as balance_vs_buckets,
      (select count(*) from (select balance_after, amount, lag(balance_after, 1, 0::bigint) over (partition by org_id order by seq) prev from credit_ledger) c
        where prev + amount <> balance_after)::int as broken_chain,
      (select count(*) from (select e.org_id, count(*) n from usage_events e where e.event_name = 'fault_event' group by 1) e
         full join (select r.org_id, sum(r.event_count) n from usage_rollups r join meters m on m.id = r.meter_id where m.code = 'fault_events' group by 1) r on r.org_id = e.org_id
        where coalesce(e.n, 0) <> coalesce(r.n, 0))::int as rollups_vs_events`;
  await sql.end();

  const duringOutage = attempts.filter((x) => x.down);
  const byKind = (kind, xs) => count(xs.filter((x) => x.kind === kind).map((x) => String(x.status)));
  const logs = Object.fromEntries(
    replicas.map((r) => {
      const text = fs.readFileSync(r.logFile, "utf8");
      const n = (s) => text.split(s).length - 1;
      return [
        r.port,
        {
          spend_group_failed: n("spend group failed"),
          unhandled_error: n("unhandled error"),
          database_unavailable: n("database unavailable"),
          error_lines: n('"level":"error"'),
        },
      ];
    }),
  );
  const fiveXX = (xs) =>
    count(xs.filter((x) => typeof x.status !== "number" || x.status >= 500).map((x) => String(x.status)));
  const figures = {
    command: `node scripts/fault-db-crash.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    settings: {
      spend_clients: o.clients,
      ingest_clients: o.ingest_clients,
      crashes: o.crashes,
      down_s: o.down,
      between_s: o.between,
      customers: o.customers,
      replicas: ports,
    },
    crashes,
    requests_tried: attempts.length,
    spends: {
      keys: spends.size,
      acknowledged: ackSpends.length,
      refused_4xx: [...spends.values()].filter((s) => s.first && s.first.status >= 400).length,
      still_open: [...spends.values()].filter((s) => !s.first).length,
      statuses: byKind("spend", attempts),
    },
    events: {
      keys: events.size,
      acknowledged: ackEvents.length,
      refused_4xx: [...events.values()].filter((e) => e.first && e.first.status >= 400).length,
      still_open: [...events.values()].filter((e) => !e.first).length,
      statuses: byKind("ingest", attempts),
    },
    five_xx_and_no_answer: fiveXX(attempts),
    while_down: {
      requests: duringOutage.length,
      statuses: count(duringOutage.map((x) => String(x.status))),
      answered_503: duringOutage.filter((x) => x.status === 503).length,
      with_retry_after: duringOutage.filter((x) => x.status === 503 && x.retryAfter).length,
    },
    effects_lost: { spends: spendLost, events: eventLost },
    effects_doubled: { spends: dup.spends_doubled, events: dup.events_doubled },
    retry_answer_differs: { spends: spendReplayMismatch, events: eventReplayMismatch },
    not_checked_in_time: unchecked,
    invariants: inv,
    recovery,
    replica_logs: logs,
  };
  const failures = [];
  if (spendLost || eventLost) failures.push("acknowledged effects lost");
  if (dup.spends_doubled || dup.events_doubled) failures.push("effects doubled");
  if (spendReplayMismatch || eventReplayMismatch) failures.push("a retry answered differently");
  if (Object.values(unchecked).some((v) => v > 0))
    failures.push("retries not all checked in time (a replica stopped answering)");
  if (Object.values(inv).some((v) => v !== 0)) failures.push("ledger or rollup invariants broken");
  if (figures.spends.still_open || figures.events.still_open) failures.push("outcomes still open after the retries");
  const notFiveOhThree = duringOutage.filter(
    (x) => x.status !== 503 && !(typeof x.status === "number" && x.status < 500),
  ).length;
  if (notFiveOhThree)
    failures.push(`${notFiveOhThree} requests while the database was down got no 503 (500 or no answer)`);
  for (const [port, r] of Object.entries(recovery)) {
    if (Object.keys(r.spends).some((s) => s !== "200") || r.ingest !== 202 || r.health !== 200)
      failures.push(`replica ${port} did not recover`);
  }
  return report(figures, failures);
}

await run(main, { cleanup: stopAll, hardStopMs: 15 * 60_000 });
