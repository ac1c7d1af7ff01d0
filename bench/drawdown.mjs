// Meters priced in credits under bulk ingestion (issue 18), one server and database, one run:
//   1. bulk ingestion with no meter priced in credits (baseline),
//   2. the same with api_call (count) and llm_call input tokens of gpt-4 (sum, filtered) linked to
//      credit events, every customer holding credits — the drawdown running behind the ingestion,
//   3. the baseline again with the links archived (the two baselines averaged, so the table's
//      growth over the run weighs on both sides alike),
// and the ratio of (2) to the baseline. During (2): the drawdown lag — from a bulk request's
// answer to the moment every customer's drawdown cursor has passed it (polled every 25 ms), p50
// and p99 — and the entitlement check's latency for a priced meter (exact: counting usage not yet
// drawn), next to the same check during (1). Then the same with ingestion paced well below what
// the machine can take (the lag and the entitlement check where they are not queued behind a
// saturated CPU). Then, once drained: every event spent exactly once. Per phase also the server's
// event-loop delay (p50/p99/max: how long a timer waited for the loop; the max is about the longest
// synchronous block) and its garbage collections by kind, from server/serve.mjs's debug instrument,
// and the load average (the machine's other work shows in every latency).
//
//   node bench/drawdown.mjs [seconds per phase=20] [concurrency=4] [batch=1000] [paced rate=3000]
// BENCH_KEEP_DB=1 leaves the database behind (drawdown_bench_<port>) to explain its statements.
// BENCH_CHECK_REPLICA=1 serves the checks from a second process; CHECK_RATE (100) open-loop checks a
// second; CHECK_METER (api_calls) the meter asked about (llm_output_tokens is never priced: the
// drawdown's cost to a check apart from the check's own pending-usage read).
import fs from "node:fs";
import os from "node:os";
import { Worker } from "node:worker_threads";
import {
  BENCH_KEY,
  benchEventJson,
  connect,
  dropDatabase,
  percentile,
  pgUrl,
  seedBenchCatalog,
  send,
  startServer,
} from "./support/server.mjs";

const seconds = Number(process.argv[2] ?? 20);
const concurrency = Number(process.argv[3] ?? 4);
const batchSize = Number(process.argv[4] ?? 1000);
const CUSTOMERS = 100;
// One database per port: two engineers' runs on one Postgres never drop each other's database.
const DB = `drawdown_bench_${process.env.BENCH_PORT || "3113"}`;
/** The paced phase's rate: well below what the machine can ingest. */
const MODERATE = Number(process.argv[5] ?? 3000);
/** Open-loop checks a second in the paced phases (one backend asking before its calls). */
const CHECK_RATE = Number(process.env.CHECK_RATE ?? 100);
/** The meter the open-loop checks ask about: api_calls is priced in credits while linked; llm_output_tokens never is. */
const CHECK_METER = process.env.CHECK_METER ?? "api_calls";
const run = Date.now().toString(36);

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const loadAtStart = load();
console.log(`load average at start: ${loadAtStart} (${os.cpus().length} cores)`);
// The server's event-loop delay per phase (server/serve.mjs: SIGUSR2 writes it to this file).
const loopFile = `/tmp/drawdown-bench-loop-${process.env.BENCH_PORT || "3113"}-${process.pid}.jsonl`;
fs.rmSync(loopFile, { force: true });
// Jobs on: the drawdown's sweep is one of them (kicks after each ingest do most of the work).
const server = await startServer(DB, { env: { JOBS_ENABLED: "true", TALLY_LOOP_DELAY_FILE: loopFile } });
// BENCH_CHECK_REPLICA=1: the entitlement checks (closed and open loop) go to a second server on the
// same database (no jobs, no ingestion) — a deployment whose entitlement checks and ingestion are served by different
// processes; the ingestion, drawdown and loaders stay on the first.
const checkServer =
  process.env.BENCH_CHECK_REPLICA === "1"
    ? await startServer(DB, {
        keep: true,
        port: String(Number(process.env.BENCH_PORT || "3113") + 1),
        env: { TALLY_LOOP_DELAY_FILE: `${loopFile}.checks` },
      })
    : server;
/** Asks a server for its event-loop delay since the last ask (and resets it); null if it did not write. */
async function loopDelay(of = server, file = loopFile) {
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
  of.child.kill("SIGUSR2");
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    if (lines.length > before) return JSON.parse(lines.at(-1));
  }
  return null;
}
/** The checks' own server's loop delay, when it is another process. */
const checkLoopDelay = () => (checkServer === server ? null : loopDelay(checkServer, `${loopFile}.checks`));
const sql = connect(pgUrl(DB), { max: 3 });
const orgs = await seedBenchCatalog(sql, CUSTOMERS);
// Every customer on a plan with a hard limit on API calls (too high to reach), so the entitlement
// check does all its work: the plan's limit over the period's rollups, then the credits.
await sql`insert into plans (id, code, tier, name, interval, limits, charges)
          values ('plan_bench', 'bench', 'bench', 'Bench', 'month', '[{"meter": "api_calls", "limit": 1000000000000, "enforcement": "hard"}]', '[]')`;
const subStart = new Date();
await sql`insert into subscriptions ${sql(
  orgs.map((o, i) => ({
    id: `sub_bench_${i}`,
    org_id: o.id,
    plan_id: "plan_bench",
    status: "active",
    interval: "month",
    billing_anchor: subStart,
    current_period_start: subStart,
    current_period_end: new Date(subStart.getTime() + 30 * 86_400_000),
  })),
)}`;
await sql`insert into credit_events (id, code, name, credits) values ('cev_bench_call', 'bench_call', 'Bench call', 2), ('cev_bench_tok', 'bench_token', 'Bench token', 1) on conflict do nothing`;
const auth = { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" };
const api = async (method, path, body, extra = {}) => {
  const res = await send(`${server.url}${path}`, {
    method,
    headers: { ...auth, ...extra },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
  return JSON.parse(res.text);
};
for (let i = 0; i < CUSTOMERS; i++)
  await api(
    "POST",
    "/api/v1/credits/grants",
    { external_customer_id: `bench-${i}`, amount: 1_000_000_000_000, source: "purchased", reason: "bench" },
    { "idempotency-key": `bench-grant-${run}-${i}` },
  );

let seq = 0;
const eventJson = (now) => benchEventJson(run, seq++, CUSTOMERS, now);
function body(size) {
  const now = Date.now();
  const parts = new Array(size);
  for (let i = 0; i < size; i++) parts[i] = eventJson(now);
  return `{"events":[${parts.join(",")}]}`;
}

/**
 * Bulk ingestion for `seconds`, with entitlement checks beside it; answers the rate, ack times and
 * check latencies. Saturating: `concurrency` loaders as fast as they go, one paced checker.
 * Paced (`rate` events/s): one loader sending batches of 200 on a schedule, and checks either four
 * back to back (`checks: "closed"`: the check's own load included) or open loop (`checks: "open"`:
 * CHECK_RATE checks a second on a fixed schedule from a worker thread, each timed from when it was
 * due — what one backend asking before its calls sees). `rate: -1`: no ingestion, the checks alone.
 */
async function phase(name, { rate = 0, checks: mode = "closed" } = {}) {
  let accepted = 0;
  const acks = [];
  let checks = [];
  let openLoop = null;
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  let i = 0;
  await loopDelay();
  await checkLoopDelay();
  // When it ran, to set beside the server's and Postgres' logs.
  const startedAt = new Date().toISOString();
  const checker =
    mode === "open"
      ? new Promise((resolve, reject) => {
          const w = new Worker(new URL("./support/open-loop-checker.mjs", import.meta.url), {
            workerData: {
              url: checkServer.url,
              headers: { authorization: auth.authorization },
              rate: CHECK_RATE,
              // Its first second warms the thread and its connections (not counted), inside the phase.
              warmup: 1,
              seconds: seconds - 1,
              paths: Array.from(
                { length: CUSTOMERS },
                (_, c) => `/api/v1/entitlements/${CHECK_METER}?external_customer_id=bench-${c}`,
              ),
            },
          });
          w.once("message", (m) => {
            openLoop = m;
            checks = m.latencies;
            resolve();
          });
          w.once("error", reject);
        })
      : Promise.all(
          Array.from({ length: rate ? 4 : 1 }, async () => {
            while (Date.now() < deadline) {
              const t = performance.now();
              const res = await send(
                `${checkServer.url}/api/v1/entitlements/${CHECK_METER}?external_customer_id=bench-${i++ % CUSTOMERS}`,
                { headers: auth },
              );
              checks.push(performance.now() - t);
              if (res.status !== 200) throw new Error(`entitlement ${res.status} ${res.text.slice(0, 200)}`);
              if (!JSON.parse(res.text).allowed) throw new Error(`entitlement refused: ${res.text.slice(0, 300)}`);
              if (!rate) await new Promise((r) => setTimeout(r, 20));
            }
          }),
        );
  const paced = 200;
  await Promise.all(
    Array.from({ length: rate < 0 ? 0 : rate ? 1 : concurrency }, async () => {
      let sent = 0;
      while (Date.now() < deadline) {
        if (rate) {
          const due = started + (sent / rate) * 1000;
          if (performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
          sent += paced;
        }
        const res = await send(`${server.url}/api/v1/events/bulk`, {
          method: "POST",
          headers: auth,
          body: body(rate ? paced : batchSize),
        });
        if (res.status !== 202) throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
        acks.push(Date.now());
        accepted += Number(JSON.parse(res.text).accepted);
      }
    }),
  );
  await checker;
  if (openLoop?.errors) throw new Error(`${openLoop.errors} checks failed, first: ${openLoop.firstError}`);
  const elapsed = (performance.now() - started) / 1000;
  const loop = await loopDelay();
  const checkLoop = await checkLoopDelay();
  checks.sort((a, b) => a - b);
  const r = {
    name,
    events_per_second: Math.round(accepted / elapsed),
    accepted,
    entitlement_p50_ms: Math.round(percentile(checks, 50) * 100) / 100,
    entitlement_p99_ms: Math.round(percentile(checks, 99) * 100) / 100,
    entitlement_max_ms: Math.round((checks.at(-1) ?? 0) * 100) / 100,
    checks: checks.length,
    acks,
    ...(openLoop
      ? {
          send_delay_p99_ms:
            Math.round(
              percentile(
                [...openLoop.sendDelays].sort((a, b) => a - b),
                99,
              ) * 100,
            ) / 100,
          slowest: openLoop.slowest,
        }
      : {}),
    loop_delay_ms: loop,
    check_loop_delay_ms: checkLoop,
    load: load(),
  };
  console.log(
    `${name} (${startedAt} – ${new Date().toISOString()}): ${r.events_per_second.toLocaleString("en-US")} events/s; entitlement p50 ${r.entitlement_p50_ms} ms, p99 ${r.entitlement_p99_ms} ms (${r.checks} checks)`,
  );
  if (openLoop)
    console.log(
      `  checker's own send delay p99 ${r.send_delay_p99_ms} ms; slowest checks (due, ms): ${r.slowest
        .slice(0, 8)
        .map((c) => `${c.due.slice(11, 23)} ${c.ms.toFixed(1)}`)
        .join(", ")}`,
    );
  if (checkLoop && openLoop)
    console.log(
      `  the checks' server: event-loop delay p50 ${checkLoop.p50} ms, p99 ${checkLoop.p99} ms, max ${checkLoop.max} ms; GC ${checkLoop.gc.count}× ${checkLoop.gc.total_ms} ms, longest ${checkLoop.gc.max_ms} ms`,
    );
  if (loop)
    console.log(
      `  server event-loop delay p50 ${loop.p50} ms, p99 ${loop.p99} ms, max ${loop.max} ms; GC ${loop.gc.count}× ${loop.gc.total_ms} ms, longest ${loop.gc.max_ms} ms (${Object.entries(
        loop.gc.kinds ?? {},
      )
        .map(([k, g]) => `${k} ${g.count}× longest ${g.max_ms} ms`)
        .join(", ")}); load ${r.load}`,
    );
  return r;
}

const base1 = await phase("baseline (no meter priced in credits)");

const links = [
  await api("POST", "/api/v1/credit-meter-links", { meter: "api_calls", credit_event: "bench_call" }),
  await api("POST", "/api/v1/credit-meter-links", {
    meter: "llm_input_tokens",
    credit_event: "bench_token",
    filters: { model: ["gpt-4"] },
  }),
];
const linkedAt = new Date();
// A replica serving only the checks has served none yet: warm its code paths (the priced check's
// too, now that the meters are linked) as a deployment's long-running replica would be.
if (checkServer !== server)
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let n = 0; n < 750; n++) {
        const res = await send(
          `${checkServer.url}/api/v1/entitlements/${CHECK_METER}?external_customer_id=bench-${(w * 750 + n) % CUSTOMERS}`,
          { headers: auth },
        );
        if (res.status !== 200) throw new Error(`warm-up check ${res.status} ${res.text.slice(0, 200)}`);
      }
    }),
  );
// The drawdown cursors, polled: the slowest customer's cursor, every 25 ms.
const polls = [];
let polling = true;
const poller = (async () => {
  while (polling) {
    const [{ c }] =
      await sql`select (extract(epoch from min(drawn_through)) * 1000)::float8 as c from credit_drawdown_cursors where org_id like 'org_bench_%'`;
    polls.push({ at: Date.now(), cursor: c === null ? 0 : Number(c) });
    await new Promise((r) => setTimeout(r, 25));
  }
})();
const drained = async (acks) => {
  const last = Math.max(...acks);
  for (let i = 0; i < 2400 && !(polls.at(-1)?.cursor >= last); i++) await new Promise((r) => setTimeout(r, 25));
};
const lagsOf = (acks) =>
  acks
    .map((ack) => {
      const p = polls.find((q) => q.at >= ack && q.cursor >= ack);
      return p ? p.at - ack : null;
    })
    .filter((v) => v !== null)
    .sort((a, b) => a - b);
const priced = await phase("credit-priced (2 meters linked, drawdown running)");
await drained(priced.acks);
const lags = lagsOf(priced.acks);
const moderate = await phase(`credit-priced at ${MODERATE.toLocaleString("en-US")} events/s`, { rate: MODERATE });
await drained(moderate.acks);
const moderateLags = lagsOf(moderate.acks);
const moderateOpen = await phase(
  `credit-priced at ${MODERATE.toLocaleString("en-US")} events/s, ${CHECK_RATE} open-loop checks/s`,
  { rate: MODERATE, checks: "open" },
);
await drained(moderateOpen.acks);
const moderateOpenLags = lagsOf(moderateOpen.acks);
polling = false;
await poller;
const checksAlone = await phase(`no ingestion (meters still priced), ${CHECK_RATE} open-loop checks/s`, {
  rate: -1,
  checks: "open",
});

for (const l of links) await api("DELETE", `/api/v1/credit-meter-links/${l.id}`);
const base2 = await phase("baseline again (links archived)");
const basePacedOpen = await phase(
  `no meter priced at ${MODERATE.toLocaleString("en-US")} events/s, ${CHECK_RATE} open-loop checks/s`,
  { rate: MODERATE, checks: "open" },
);

// Exactly once: what the ledger spent for usage = what the events cost.
const [{ expected }] = await sql`
  select (select count(*) from usage_events where source = 'bench' and event_name = 'api_call' and ingested_at > ${linkedAt} and ingested_at <= (select archived_at from credit_meter_links where id = ${links[0].id})) * 2
       + (select coalesce(sum((properties->>'input_tokens')::numeric), 0) from usage_events where source = 'bench' and event_name = 'llm_call' and properties->>'model' = 'gpt-4'
           and ingested_at > ${linkedAt} and ingested_at <= (select archived_at from credit_meter_links where id = ${links[1].id})) as expected`;
// Let the drawdown take what was ingested before the archive.
await new Promise((r) => setTimeout(r, 3000));
const [{ spent, duplicated }] = await sql`
  select coalesce(-sum(amount), 0) as spent,
         (select count(*) from (select idempotency_key from credit_ledger where kind = 'consume' and idempotency_key like 'drawdown:%' group by org_id, idempotency_key having count(distinct operation_id) > 1) d) as duplicated
    from credit_ledger where kind in ('consume', 'overage') and idempotency_key like 'drawdown:%'`;
if (checkServer !== server) await checkServer.stop();
await server.stop();
await sql.end();
if (!process.env.BENCH_KEEP_DB) await dropDatabase(DB);

const baseline = (base1.events_per_second + base2.events_per_second) / 2;
function summary(p, lags) {
  return {
    events_per_second: p.events_per_second,
    entitlement_p50_ms: p.entitlement_p50_ms,
    entitlement_p99_ms: p.entitlement_p99_ms,
    entitlement_max_ms: p.entitlement_max_ms,
    checks: p.checks,
    ...(p.slowest ? { send_delay_p99_ms: p.send_delay_p99_ms, slowest: p.slowest } : {}),
    ...(lags ? { drawdown_lag_ms: { p50: percentile(lags, 50), p99: percentile(lags, 99) } } : {}),
    loop_delay_ms: p.loop_delay_ms,
  };
}
const result = {
  bench: "drawdown",
  seconds_per_phase: seconds,
  concurrency,
  batch: batchSize,
  baseline_events_per_second: [base1.events_per_second, base2.events_per_second],
  priced_events_per_second: priced.events_per_second,
  ratio: Math.round((priced.events_per_second / baseline) * 1000) / 1000,
  drawdown_lag_ms: {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: lags.at(-1) ?? null,
    batches: lags.length,
    of: priced.acks.length,
  },
  moderate: {
    events_per_second: moderate.events_per_second,
    drawdown_lag_ms: {
      p50: percentile(moderateLags, 50),
      p99: percentile(moderateLags, 99),
      max: moderateLags.at(-1) ?? null,
      batches: moderateLags.length,
      of: moderate.acks.length,
    },
    entitlement_p50_ms: moderate.entitlement_p50_ms,
    entitlement_p99_ms: moderate.entitlement_p99_ms,
    loop_delay_ms: moderate.loop_delay_ms,
  },
  open_loop_checks: {
    rate: CHECK_RATE,
    priced_paced: summary(moderateOpen, moderateOpenLags),
    checks_alone: summary(checksAlone),
    unpriced_paced: summary(basePacedOpen),
  },
  loop_delay_ms: { baseline: base1.loop_delay_ms, priced: priced.loop_delay_ms, baseline_again: base2.loop_delay_ms },
  load_average: { start: loadAtStart, end: load() },
  entitlement_ms: {
    baseline_p50: base1.entitlement_p50_ms,
    baseline_p99: base1.entitlement_p99_ms,
    priced_p50: priced.entitlement_p50_ms,
    priced_p99: priced.entitlement_p99_ms,
  },
  credits_expected: String(expected),
  credits_spent: String(spent),
  exactly_once: String(expected) === String(spent) && Number(duplicated) === 0,
};
console.log(
  `ratio priced / baseline: ${result.ratio} (${result.priced_events_per_second} vs ${baseline.toFixed(0)} events/s)`,
);
console.log(
  `drawdown lag after the bulk request's answer: p50 ${result.drawdown_lag_ms.p50} ms, p99 ${result.drawdown_lag_ms.p99} ms, max ${result.drawdown_lag_ms.max} ms (${lags.length} of ${priced.acks.length} batches)`,
);
console.log(
  `at ${MODERATE} events/s: drawdown lag p50 ${result.moderate.drawdown_lag_ms.p50} ms, p99 ${result.moderate.drawdown_lag_ms.p99} ms; entitlement p50 ${result.moderate.entitlement_p50_ms} ms, p99 ${result.moderate.entitlement_p99_ms} ms (4 back to back)`,
);
for (const [label, o] of Object.entries(result.open_loop_checks).filter(([k]) => k !== "rate"))
  console.log(
    `open-loop checks (${CHECK_RATE}/s), ${label}: p50 ${o.entitlement_p50_ms} ms, p99 ${o.entitlement_p99_ms} ms, max ${o.entitlement_max_ms} ms (${o.checks} checks; ${o.events_per_second} events/s${o.drawdown_lag_ms ? `; drawdown lag p50 ${o.drawdown_lag_ms.p50} ms, p99 ${o.drawdown_lag_ms.p99} ms` : ""})`,
  );
console.log(`load average: ${loadAtStart} at start, ${result.load_average.end} at the end`);
fs.rmSync(loopFile, { force: true });
fs.rmSync(`${loopFile}.checks`, { force: true });
console.log(`credits spent ${spent} of ${expected} expected: ${result.exactly_once ? "exactly once" : "MISMATCH"}`);
console.log(JSON.stringify(result));
