// Single-event ingestion: POST /api/v1/events, one event a request, from N concurrent clients in
// this process (loopback) to a production server on Postgres, for a fixed time. Every event has
// its own id (dedup on), 70 % api_call (a count meter that a plan limits, so the limit check
// runs) and 30 % llm_call (two sum meters grouped by model), over 100 customers on a plan with an
// API-call limit. Prints events/s and latency percentiles; also the entitlement check's latency
// (GET /api/v1/entitlements/api_calls) at the same concurrency.
//
//   node bench/ingest-single.mjs [seconds=30] [concurrency=50]
import {
  BENCH_KEY,
  benchEventJson,
  connect,
  cpuSeconds,
  dropDatabase,
  percentile,
  pgUrl,
  rss,
  seedBenchCatalog,
  send,
  startServer,
} from "./support/server.mjs";

const seconds = Number(process.argv[2] ?? 30);
const concurrency = Number(process.argv[3] ?? 50);
const CUSTOMERS = 100;
const DB = "tally_bench_single";
const run = Date.now().toString(36);

const server = await startServer(DB);
const sql = connect(pgUrl(DB), { max: 2 });
const orgs = await seedBenchCatalog(sql, CUSTOMERS);
// Every customer on a plan that limits API calls (high enough never to block), so ingestion runs the limit check.
await sql`insert into plans (id, code, tier, name, interval, limits, charges)
          values ('plan_bench', 'bench', 'bench', 'Bench', 'month', '[{"meter": "api_calls", "limit": 1000000000, "enforcement": "soft"}]', '[]')`;
const now = new Date();
const end = new Date(now.getTime() + 30 * 86_400_000);
await sql`insert into subscriptions ${sql(
  orgs.map((o, i) => ({
    id: `sub_bench_${i}`,
    org_id: o.id,
    plan_id: "plan_bench",
    status: "active",
    interval: "month",
    billing_anchor: now,
    current_period_start: now,
    current_period_end: end,
  })),
)}`;

async function measure(label, makeRequest, durationS, clients = concurrency) {
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const deadline = Date.now() + durationS * 1000;
  const started = performance.now();
  const cpu0 = cpuSeconds(server.pid);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const { url, init } = makeRequest();
        const t = performance.now();
        const res = await send(url, init);
        latencies.push(performance.now() - t);
        if (res.status === 202 || res.status === 200) ok++;
        else if (failed++ < 3) console.error(label, res.status);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return {
    requests_per_second: Math.round(ok / elapsed),
    ok,
    failed,
    p50_ms: r(percentile(latencies, 50)),
    p95_ms: r(percentile(latencies, 95)),
    p99_ms: r(percentile(latencies, 99)),
    server_cpu_ms_per_request: r(((cpuSeconds(server.pid) - cpu0) / Math.max(1, ok)) * 1000),
  };
}

let seq = 0;
const headers = { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" };
const ingest = () => ({
  url: `${server.url}/api/v1/events`,
  init: { method: "POST", headers, body: benchEventJson(run, seq++, CUSTOMERS) },
});
const entitle = () => {
  const n = seq++;
  return { url: `${server.url}/api/v1/entitlements/api_calls?customer_id=bench-${n % CUSTOMERS}`, init: { headers } };
};

// A short warm-up so the route bundles and the connection pool are ready.
await measure("warmup", ingest, 2);
// Baseline in the same run: the cheapest route there is (GET /api/health: no auth, one `select 1`).
const baseline = await measure(
  "health",
  () => ({ url: `${server.url}/api/health`, init: {} }),
  Math.max(5, Math.round(seconds / 3)),
);
const single = await measure("events", ingest, seconds);
const entitlements = await measure("entitlements", entitle, Math.max(5, Math.round(seconds / 3)));
// As a product calls it (before each request of one user): a few concurrent callers.
const entitlementsLow = await measure("entitlements", entitle, Math.max(5, Math.round(seconds / 3)), 4);
const mem = rss(server.pid);
const [{ stored }] = await sql`select count(*)::int as stored from usage_events`;
await server.stop();
await sql.end();
await dropDatabase(DB);

const result = {
  bench: "ingest-single",
  seconds,
  concurrency,
  events: single,
  entitlements,
  entitlements_4_concurrent: entitlementsLow,
  baseline_health: baseline,
  stored_events: stored,
  server_peak_rss_mb: mem.peak_mb,
};
console.log(
  `single events at ${concurrency} concurrent: ${single.requests_per_second.toLocaleString("en-US")} events/s, p50 ${single.p50_ms} ms, p95 ${single.p95_ms} ms, p99 ${single.p99_ms} ms (${single.failed} failed)`,
);
console.log(
  `entitlement checks at ${concurrency} concurrent: ${entitlements.requests_per_second.toLocaleString("en-US")}/s, p50 ${entitlements.p50_ms} ms, p99 ${entitlements.p99_ms} ms`,
);
console.log(
  `entitlement checks at 4 concurrent: ${entitlementsLow.requests_per_second.toLocaleString("en-US")}/s, p50 ${entitlementsLow.p50_ms} ms, p99 ${entitlementsLow.p99_ms} ms`,
);
console.log(
  `baseline GET /api/health at ${concurrency} concurrent: ${baseline.requests_per_second.toLocaleString("en-US")}/s, p99 ${baseline.p99_ms} ms, ${baseline.server_cpu_ms_per_request} ms server CPU a request`,
);
console.log(JSON.stringify(result));
