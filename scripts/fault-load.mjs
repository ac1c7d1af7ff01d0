// Fault suite, part 5 (issue 15): load with faults. The consume, ingest (single and bulk) and
// Stripe-webhook loads run at the same time against one production server while (a) the server's
// database connections are killed with pg_terminate_backend every few seconds and (b) slow
// statements hold the rows a customer's writes need (its balance, its rollups, its organization)
// for seconds at a time. Not part of `npm test` (it runs for about two minutes); its figures go to
// docs/reliability.md.
//
// It uses a database of its own on the shared Postgres (created fresh, dropped afterwards; the
// server's configuration is never changed and the server never stopped) and the existing build
// (`npm run build` first). Every request carries an idempotency key, an event id or a Stripe event
// id; a client retries a 5xx, a refused connection or no answer in time with the same key and body,
// as a real client would, until it gets a definitive answer. Afterwards it checks, from the database:
//   - every acknowledged spend is in the ledger once, and the ledger invariants hold;
//   - every acknowledged event (single or bulk) is stored once, and rollups equal a recount;
//   - every acknowledged webhook event is stored once, processed, and applied once;
//   - every retry of an acknowledged request answers as the first time.
// Webhooks: customer.subscription.created events for Tally customers, signed with the SDK's
// generateTestHeaderString. The server's Stripe is the test suite's Stripe-shaped stand-in
// (tests/support/stripe-server.ts, loaded through tsx, run in this process), which holds each
// event's subscription: Tally re-reads it there before applying it (a body alone is never applied).
// Each event creates one (ended) Stripe subscription, whose row and whose history line, written by
// `stripe:<event id>`, are the effect counted.
// It prints the figures as JSON and exits 1 when a check fails. Traffic goes to 127.0.0.1 only.
//
//   node scripts/fault-load.mjs [--seconds 60] [--spend-clients 8] [--ingest-clients 4]
//     [--bulk-clients 2] [--batch 200] [--webhook-clients 4] [--customers 8] [--kill-every 3]
//     [--slow-every 5] [--slow-for 2,8] [--port 3251] [--timeout 15] [--keep]
//   FAULT_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): where the database is created.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import Stripe from "stripe";
import { register } from "tsx/esm/api";
import {
  count,
  decided,
  elapsed,
  now,
  parseOptions,
  percentile,
  pool,
  report,
  request,
  requireBuild,
  run,
  say,
  serverEnv,
  sleep,
  startServer as startProductionServer,
  stopServer,
} from "./fault/harness.mjs";

const defaults = {
  seconds: 60,
  spend_clients: 8,
  ingest_clients: 4,
  bulk_clients: 2,
  batch: 200,
  webhook_clients: 4,
  customers: 8,
  kill_every: 3,
  slow_every: 5,
  slow_for: "2,8",
  port: 3251,
  timeout: 15,
  keep: "false",
};
const o = parseOptions(defaults);

const KEY = "tly_live_fault_load_key_00000000000000000000";
const WEBHOOK_SECRET = "whsec_fault_load";
// Signing only: the SDK makes no request with this key.
const stripe = new Stripe("sk_test_signing_only");
// The server's Stripe: the test suite's stand-in, in this process (it answers the webhooks' re-reads).
register();
const { StripeServer } = await import("../tests/support/stripe-server.ts");
const standIn = new StripeServer();
const APP_NAME = "tally-fault-load"; // this script's own connections: never terminated
requireBuild();

const dbName = `tally_fault_load_${Date.now().toString(36)}`;
const serverUrl = new URL(process.env.FAULT_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres");
const urlOf = (db) => Object.assign(new URL(serverUrl), { pathname: `/${db}` }).toString();
const databaseUrl = urlOf(dbName);
const connect = (url, max) => postgres(url, { max, onnotice: () => {}, connection: { application_name: APP_NAME } });
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-fault-load-"));

// ---- HTTP ----------------------------------------------------------------------------------------

/** One request with a deadline: `{ status, json, ms }`, status "timeout" or "network" when there is no answer. */
function send(method, p, body, headers = {}, timeoutMs = o.timeout * 1000) {
  const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return request(`http://127.0.0.1:${o.port}${p}`, {
    method,
    data,
    headers: { authorization: `Bearer ${KEY}`, ...headers },
    timeoutMs,
  });
}

// ---- the server ----------------------------------------------------------------------------------

let child = null;
const serverLog = path.join(logDir, "server.log");

async function startServer() {
  child = await startProductionServer({
    port: o.port,
    logFile: serverLog,
    env: serverEnv({
      port: o.port,
      databaseUrl,
      key: KEY,
      extra: { ...standIn.env(), STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    }),
  });
}

async function stopAll() {
  await stopServer(child);
  await standIn.stop();
  const admin = connect(urlOf("postgres"), 1);
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch((e) => say(`drop database: ${e.message}`));
  await admin.end();
  if (o.keep !== "true") fs.rmSync(logDir, { recursive: true, force: true });
  else say(`kept ${logDir}`);
}

// ---- the load ------------------------------------------------------------------------------------

const attempts = []; // every request sent: { kind, status, ms, retry }
const ops = { spend: new Map(), ingest: new Map(), bulk: new Map(), webhook: new Map() }; // key → { first, statuses, ... }

/**
 * One client loop: `make()` builds a new operation `{ key, request() }`; a request without a
 * definitive answer is sent again, same key and body, after a short pause, until one comes.
 */
async function client(kind, make, deadline) {
  let pending = null;
  while (now() < deadline) {
    const op = pending ?? make();
    ops[kind].set(op.key, op);
    const res = await op.request();
    attempts.push({
      kind,
      status: res.status,
      ms: res.ms,
      at: elapsed(),
      retry: op.statuses.length > 0,
      retryAfter: res.retryAfter ?? null,
    });
    op.statuses.push(res.status);
    if (decided(res.status)) {
      op.first = { status: res.status, body: res.json };
      pending = null;
    } else {
      pending = op;
      await sleep(250);
    }
  }
}

const spendOp = (orgId) => {
  const key = randomUUID();
  return {
    key,
    orgId,
    statuses: [],
    first: null,
    request: () =>
      send(
        "POST",
        "/api/v1/credits/consume",
        { customer_id: orgId, event_name: "load_call", quantity: 1 },
        { "idempotency-key": key },
      ),
  };
};
const ingestOp = (ext) => {
  const key = `evt-${randomUUID()}`;
  const body = { event_name: "load_single", external_customer_id: ext, event_id: key, properties: { n: 1 } };
  return { key, ext, statuses: [], first: null, request: () => send("POST", "/api/v1/events", body) };
};
const bulkOp = (externalIds) => {
  const key = `bulk-${randomUUID()}`;
  const ids = Array.from({ length: o.batch }, (_, i) => `${key}-${i}`);
  const body = JSON.stringify({
    events: ids.map((id, i) => ({
      event_id: id,
      event_name: "load_bulk",
      external_customer_id: externalIds[i % externalIds.length],
      properties: { n: 1 },
    })),
  });
  return { key, ids, statuses: [], first: null, request: () => send("POST", "/api/v1/events/bulk", body) };
};
let webhookSeq = 0;
const webhookOp = (customers) => {
  const i = webhookSeq++;
  const c = i % customers.length;
  const key = `evt_load_${i}_${randomUUID().slice(0, 8)}`;
  const created = Math.floor(Date.now() / 1000) - 60;
  // An ended subscription: a new row each time, never the customer's one live subscription. Stripe
  // (the stand-in) has it, as Tally will read it back.
  const subscription = standIn.put({
    id: `sub_${key}`,
    object: "subscription",
    customer: `cus_load_${c}`,
    status: "canceled",
    cancel_at_period_end: false,
    canceled_at: created,
    ended_at: created,
    trial_end: null,
    metadata: {},
    items: {
      data: [
        {
          id: `si_${key}`,
          price: { id: "price_load" },
          current_period_start: created - 86400,
          current_period_end: created,
        },
      ],
    },
  });
  const payload = JSON.stringify({
    id: key,
    object: "event",
    type: "customer.subscription.created",
    created,
    livemode: false,
    data: { object: subscription },
  });
  // Signed once: a retry is the same delivery, as Stripe resends it.
  const request = () =>
    send("POST", "/api/webhooks/stripe", payload, {
      authorization: "",
      "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    });
  return { key, sub: `sub_${key}`, statuses: [], first: null, request };
};

// ---- the faults ----------------------------------------------------------------------------------

const faults = { kills: 0, backends_terminated: 0, slow_holds: 0, slow_hold_seconds: 0, slow_hold_errors: 0 };

/** (a) Every `kill_every` seconds, every backend of the server's pool is terminated. */
async function killer(admin, deadline) {
  while (now() + o.kill_every * 1000 < deadline) {
    await sleep(o.kill_every * 1000);
    const rows = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity
      where datname = ${dbName} and pid <> pg_backend_pid() and coalesce(application_name, '') <> ${APP_NAME} and backend_type = 'client backend'`;
    faults.kills++;
    faults.backends_terminated += rows.filter((r) => r.ok).length;
  }
}

/**
 * (b) Slow statements: every `slow_every` seconds a transaction takes one customer's balance row,
 * its rollup rows and its organization row FOR UPDATE and sleeps (pg_sleep) for the next of
 * `slow_for` seconds before it commits, so that customer's spends, events and webhook applies wait
 * behind it — a statement that takes that long. The server's configuration is not touched.
 */
async function slower(sql, customers, deadline) {
  const holds = String(o.slow_for).split(",").map(Number);
  let n = 0;
  while (now() + o.slow_every * 1000 < deadline) {
    await sleep(o.slow_every * 1000);
    const orgId = customers[n % customers.length];
    const hold = holds[n % holds.length];
    n++;
    try {
      await sql.begin(async (tx) => {
        await tx`select 1 from organizations where id = ${orgId} for update`;
        await tx`select 1 from credit_balances where org_id = ${orgId} for update`;
        await tx`select 1 from usage_rollups where org_id = ${orgId} for update`;
        await tx`select pg_sleep(${hold})`;
      });
      faults.slow_holds++;
      faults.slow_hold_seconds += hold;
    } catch (e) {
      faults.slow_hold_errors++;
      say(`slow hold failed: ${e.message}`);
    }
  }
}

// ---- checks --------------------------------------------------------------------------------------

function latency(kind) {
  const ms = attempts
    .filter((x) => x.kind === kind && typeof x.status === "number")
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  return { p50_ms: percentile(ms, 50), p99_ms: percentile(ms, 99), max_ms: percentile(ms, 100) };
}

/** Whether a replay answers as the first answer did. */
const sameAnswer = {
  spend: (op, r) =>
    r.status === 200 && r.json?.id === op.first.body.id && r.json?.balance_after === op.first.body.balance_after,
  ingest: (op, r) => r.status === 202 && r.json?.event_id === op.key,
  // A batch sent again: every item already stored (a duplicate), none accepted twice, none refused.
  bulk: (op, r) =>
    r.status === 202 &&
    Number(r.json?.accepted) === 0 &&
    Number(r.json?.duplicate) === op.ids.length &&
    Number(r.json?.rejected) === 0,
  webhook: (op, r) => r.status === 200 && r.json?.event_id === op.key && r.json?.duplicate === true,
};
const acked = { spend: 200, ingest: 202, bulk: 202, webhook: 200 };

async function main() {
  const admin = connect(urlOf("postgres"), 1);
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.unsafe(`create database ${dbName}`);
  say(`database ${dbName}; server log ${serverLog}`);
  await standIn.start();
  await startServer();
  say(`server up on 127.0.0.1:${o.port}`);

  const must = async (p, body, want) => {
    const r = await send("POST", p, body);
    if (r.status !== want) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  await must("/api/v1/credit-events", { code: "load_call", name: "Load call", credits: 1 }, 201);
  await must(
    "/api/v1/meters",
    { code: "load_single", name: "Load single", event_name: "load_single", aggregation: "count" },
    201,
  );
  await must(
    "/api/v1/meters",
    { code: "load_bulk", name: "Load bulk", event_name: "load_bulk", aggregation: "count" },
    201,
  );
  const plan = await must(
    "/api/v1/plans",
    { code: "load-monthly", name: "Load", interval: "month", base_price: "29.00" },
    201,
  );
  const sql = connect(databaseUrl, 3);
  await sql`update plans set stripe_price_id = 'price_load' where id = ${plan.id}`;
  standIn.put({
    id: "price_load",
    object: "price",
    active: true,
    currency: "usd",
    unit_amount: 2900,
    type: "recurring",
    recurring: { interval: "month" },
  });
  const customers = [];
  const externalIds = [];
  for (let i = 0; i < o.customers; i++) {
    const c = await must("/api/v1/customers", { name: `Load ${i}`, external_id: `load-${i}` }, 201);
    await must(
      "/api/v1/credits/grants",
      {
        customer_id: c.id,
        amount: 1_000_000_000,
        source: "purchased",
        reason: "fault suite",
        idempotency_key: `load-grant-${i}`,
      },
      201,
    );
    await sql`update organizations set stripe_customer_id = ${`cus_load_${i}`} where id = ${c.id}`;
    standIn.put({ id: `cus_load_${i}`, object: "customer", metadata: { tally_org_id: c.id } });
    customers.push(c.id);
    externalIds.push(`load-${i}`);
  }
  say(
    `load for ${o.seconds} s: ${o.spend_clients} spend, ${o.ingest_clients} ingest, ${o.bulk_clients} bulk (${o.batch} a request), ${o.webhook_clients} webhook clients; backends killed every ${o.kill_every} s, a customer's rows held every ${o.slow_every} s for ${o.slow_for} s`,
  );

  const deadline = now() + o.seconds * 1000;
  let rr = 0;
  await Promise.all([
    killer(admin, deadline),
    slower(sql, customers, deadline),
    ...Array.from({ length: o.spend_clients }, () =>
      client("spend", () => spendOp(customers[rr++ % customers.length]), deadline),
    ),
    ...Array.from({ length: o.ingest_clients }, () =>
      client("ingest", () => ingestOp(externalIds[rr++ % externalIds.length]), deadline),
    ),
    ...Array.from({ length: o.bulk_clients }, () => client("bulk", () => bulkOp(externalIds), deadline)),
    ...Array.from({ length: o.webhook_clients }, () => client("webhook", () => webhookOp(customers), deadline)),
  ]);
  const loadEndedAt = elapsed();
  say(`load over: ${attempts.length} requests; settling open outcomes and replaying every acknowledged one`);

  // Open outcomes (no definitive answer when the load ended): retried with the same key until decided.
  const unchecked = {};
  for (const kind of Object.keys(ops)) {
    const open = [...ops[kind].values()].filter((op) => !op.first);
    unchecked[`open_${kind}`] = await pool(open, 4, async (op) => {
      for (let i = 0; i < 10 && !op.first; i++) {
        const res = await op.request();
        op.statuses.push(res.status);
        if (decided(res.status)) op.first = { status: res.status, body: res.json, late: true };
        else await sleep(500);
      }
    });
  }
  // Every acknowledged request again, same key and body: the same answer. The faults have stopped;
  // a replay without a definitive answer (5xx, none in time) is sent again, as a client would, and
  // counted (a server that has not recovered shows here).
  const replayDiffers = {};
  const replayStatuses = {};
  const replayNoAnswer = [];
  for (const kind of Object.keys(ops)) {
    const ack = [...ops[kind].values()].filter((op) => op.first?.status === acked[kind]);
    let differs = 0;
    const statuses = [];
    unchecked[`replay_${kind}`] = await pool(ack, 8, async (op) => {
      for (let i = 0; i < 5; i++) {
        const res = await op.request();
        statuses.push(res.status);
        if (decided(res.status)) {
          if (!sameAnswer[kind](op, res)) differs++;
          return;
        }
        replayNoAnswer.push({ kind, status: res.status, sent_at_s: +(elapsed() - res.ms / 1000).toFixed(1) });
        await sleep(500);
      }
      differs++; // five tries without an answer
    });
    replayDiffers[kind] = differs;
    replayStatuses[kind] = count(statuses.map(String));
  }

  // What the database holds.
  const ack = Object.fromEntries(
    Object.keys(ops).map((k) => [k, [...ops[k].values()].filter((op) => op.first?.status === acked[k])]),
  );
  const ledger = await sql`select operation_id, idempotency_key from credit_ledger where kind = 'consume'`;
  const ledgerOps = count(ledger.map((r) => r.operation_id));
  const ledgerKeys = count(ledger.filter((r) => r.idempotency_key).map((r) => r.idempotency_key));
  // A spend is one operation (one ledger line per bucket it draws from): its key names one operation.
  const opsByKey = new Map();
  for (const r of ledger)
    if (r.idempotency_key)
      (opsByKey.get(r.idempotency_key) ?? opsByKey.set(r.idempotency_key, new Set()).get(r.idempotency_key)).add(
        r.operation_id,
      );
  const stored = count((await sql`select event_id from usage_events`).map((r) => r.event_id));
  const hooks = new Map((await sql`select id, status, attempts from webhook_events`).map((r) => [r.id, r]));
  const subs = count(
    (await sql`select stripe_subscription_id from subscriptions where stripe_subscription_id is not null`).map(
      (r) => r.stripe_subscription_id,
    ),
  );
  const history = count(
    (await sql`select actor from subscription_history where actor like 'stripe:%'`).map((r) =>
      r.actor.slice("stripe:".length),
    ),
  );

  const lost = {
    spends: ack.spend.filter((op) => !ledgerOps[op.first.body.id]).length,
    events: ack.ingest.filter((op) => !stored[op.key]).length,
    bulk_events: ack.bulk.reduce((n, op) => n + op.ids.filter((id) => !stored[id]).length, 0),
    webhooks: ack.webhook.filter((op) => hooks.get(op.key)?.status !== "processed" || !subs[op.sub] || !history[op.key])
      .length,
  };
  const doubled = {
    spends: [...opsByKey.values()].filter((s) => s.size > 1).length,
    // usage_events' key is (org_id, event_id): the same id under two customers would be two rows.
    events: Object.values(stored).filter((n) => n > 1).length,
    webhooks: Object.values(subs).filter((n) => n > 1).length + Object.values(history).filter((n) => n > 1).length,
  };
  const [inv] = await sql`
    select
      (select count(*) from credit_balances b left join (select org_id, sum(amount) t from credit_ledger group by org_id) l on l.org_id = b.org_id
        left join credit_ledger n on n.org_id = b.org_id and n.seq = b.last_seq
        where b.balance <> coalesce(l.t, 0) or b.balance <> coalesce(n.balance_after, 0))::int as balance_vs_ledger,
      (select count(*) from credit_balances b left join (select org_id, sum(remaining) t from credit_grants group by org_id) g on g.org_id = b.org_id
        where b.balance <> coalesce(g.t, 0) - b.held - b.overage)::int as balance_vs_buckets,
      (select count(*) from (select balance_after, amount, lag(balance_after, 1, 0::bigint) over (partition by org_id order by seq) prev from credit_ledger) c
        where prev + amount <> balance_after)::int as broken_chain,
      (select count(*) from (select e.org_id, e.event_name, count(*) n from usage_events e where e.event_name in ('load_single', 'load_bulk') group by 1, 2) e
         full join (select r.org_id, m.event_name, sum(r.event_count) n from usage_rollups r join meters m on m.id = r.meter_id where m.code in ('load_single', 'load_bulk') group by 1, 2) r
           on r.org_id = e.org_id and r.event_name = e.event_name
        where coalesce(e.n, 0) <> coalesce(r.n, 0))::int as rollups_vs_events`;
  const spentPerOrg = await sql`select count(*)::int as n from credit_ledger where kind = 'consume'`;
  await sql.end();
  await admin.end();

  const log = fs.readFileSync(serverLog, "utf8");
  const lines = (s) => log.split(s).length - 1;
  const kinds = Object.keys(ops);
  const figures = {
    command: `node scripts/fault-load.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    settings: {
      seconds: o.seconds,
      spend_clients: o.spend_clients,
      ingest_clients: o.ingest_clients,
      bulk_clients: o.bulk_clients,
      batch: o.batch,
      webhook_clients: o.webhook_clients,
      customers: o.customers,
      kill_every_s: o.kill_every,
      slow_every_s: o.slow_every,
      slow_for_s: o.slow_for,
    },
    faults,
    requests_tried: attempts.length,
    retries: attempts.filter((x) => x.retry).length,
    by_kind: Object.fromEntries(
      kinds.map((k) => [
        k,
        {
          keys: ops[k].size,
          tried: attempts.filter((x) => x.kind === k).length,
          acknowledged: ack[k].length,
          acknowledged_late: ack[k].filter((op) => op.first.late).length,
          refused_4xx: [...ops[k].values()].filter((op) => op.first && op.first.status >= 400).length,
          still_open: [...ops[k].values()].filter((op) => !op.first).length,
          retries: attempts.filter((x) => x.kind === k && x.retry).length,
          statuses: count(attempts.filter((x) => x.kind === k).map((x) => String(x.status))),
          ...latency(k),
          replay_statuses: replayStatuses[k],
        },
      ]),
    ),
    bulk_events_acknowledged: ack.bulk.reduce((n, op) => n + op.ids.length, 0),
    ledger_consume_lines: spentPerOrg[0].n,
    ledger_keys: Object.keys(ledgerKeys).length,
    five_xx_and_no_answer: count(
      attempts.filter((x) => typeof x.status !== "number" || x.status >= 500).map((x) => String(x.status)),
    ),
    no_answer: attempts
      .filter((x) => typeof x.status !== "number")
      .map((x) => ({ kind: x.kind, status: x.status, sent_at_s: +(x.at - x.ms / 1000).toFixed(1) })),
    replays_without_answer: replayNoAnswer,
    load_ended_at_s: +loadEndedAt.toFixed(1),
    five_oh_three_with_retry_after: attempts.filter((x) => x.status === 503 && x.retryAfter).length,
    effects_lost: lost,
    effects_doubled: doubled,
    retry_answer_differs: replayDiffers,
    not_checked_in_time: unchecked,
    invariants: inv,
    server_log: {
      unhandled_error: lines("unhandled error"),
      database_unavailable: lines("database unavailable"),
      error_lines: lines('"level":"error"'),
      uncaught_exception: lines("uncaughtException"),
      null_socket_write: lines("reading 'write'"),
    },
  };
  const failures = [];
  if (Object.values(lost).some((v) => v)) failures.push("acknowledged effects lost");
  if (Object.values(doubled).some((v) => v)) failures.push("effects doubled");
  if (Object.values(replayDiffers).some((v) => v)) failures.push("a retry answered differently");
  if (Object.values(unchecked).some((v) => v > 0)) failures.push("not every outcome or replay checked in time");
  if (figures.no_answer.length)
    failures.push(`${figures.no_answer.length} requests during the load got no answer within ${o.timeout} s`);
  if (replayNoAnswer.length)
    failures.push(
      `${replayNoAnswer.length} replays after the faults stopped got no definitive answer (5xx or none in ${o.timeout} s)`,
    );
  if (Object.values(inv).some((v) => v !== 0)) failures.push("ledger or rollup invariants broken");
  if (kinds.some((k) => figures.by_kind[k].still_open)) failures.push("outcomes still open after the retries");
  if (kinds.some((k) => figures.by_kind[k].refused_4xx))
    failures.push("a request was refused (4xx): the load only sends valid requests");
  if (figures.five_xx_and_no_answer["500"]) failures.push("500s (an unexpected error) under the faults");
  return report(figures, failures);
}

await run(main, { cleanup: stopAll, hardStopMs: (o.seconds + 600) * 1000 });
