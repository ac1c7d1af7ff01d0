// Through the load balancer (issue 23): ingest, consume and usage reads with one and with three
// replicas behind HAProxy (scripts/cluster.mjs), on one Postgres; and how long a catalog change
// made through one replica takes to reach the others (NOTIFY), idle and under ingest load.
//
//   node bench/cluster.mjs [seconds=15] [clients=48]      (CLUSTER_PORT picks the ports, default 3400–3403)
//
// The baseline in the same run: the same ingest straight to the one replica, without HAProxy. On
// this 2-core machine three replicas, HAProxy, Postgres and the load generator share two cores, so
// the figures show what the load balancer and the extra processes cost and whether anything breaks,
// not how throughput scales with cores (docs/benchmarks.md says what they can and cannot show).
import { randomUUID } from "node:crypto";
import os from "node:os";
import { CLUSTER_KEY, dropClusterDatabase, startCluster } from "../scripts/cluster.mjs";
import { benchEventJson, connect, cpuSeconds, percentile, seedBenchCatalog, send } from "./support/server.mjs";

const seconds = Number(process.argv[2] ?? 15);
const clients = Number(process.argv[3] ?? 48);
const CUSTOMERS = 100;
const DB = "tally_bench_cluster";
const headers = { authorization: `Bearer ${CLUSTER_KEY}`, "content-type": "application/json" };
const run = Date.now().toString(36);
let seq = 0;

/** Closed loop: `clients` loops, each sending the next request when the last answered, for `s` seconds. */
async function measure(base, makeRequest, s, pids) {
  const latencies = [];
  const statuses = {};
  const cpu0 = pids.map(cpuSeconds);
  const deadline = Date.now() + s * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) {
        const r = makeRequest();
        const t = performance.now();
        let res;
        try {
          res = await send(`${base}${r.path}`, { method: r.method ?? "GET", headers, body: r.body });
        } catch {
          statuses.network = (statuses.network ?? 0) + 1;
          continue;
        }
        latencies.push(performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statuses)
    .filter(([k]) => k.startsWith("2"))
    .reduce((n, [, v]) => n + v, 0);
  const r1 = (x) => Math.round(x * 10) / 10;
  return {
    per_s: Math.round(ok / elapsed),
    p50_ms: r1(percentile(latencies, 50)),
    p95_ms: r1(percentile(latencies, 95)),
    p99_ms: r1(percentile(latencies, 99)),
    statuses,
    // CPU of the replicas and HAProxy per successful request: where the two cores went.
    cpu_ms_per_request: r1(
      ((pids.map(cpuSeconds).reduce((a, b) => a + b, 0) - cpu0.reduce((a, b) => a + b, 0)) / Math.max(1, ok)) * 1000,
    ),
  };
}

const ingest = () => ({ method: "POST", path: "/api/v1/events", body: benchEventJson(run, seq++, CUSTOMERS) });
const consume = () => {
  const n = seq++;
  return {
    method: "POST",
    path: "/api/v1/credits/consume",
    body: JSON.stringify({
      customer_id: `org_bench_${String(n % CUSTOMERS).padStart(5, "0")}`,
      event_name: "bench_call",
      quantity: 1 + (n % 3),
      idempotency_key: randomUUID(),
    }),
  };
};
const now = new Date();
const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
const usageRead = () => ({
  path: `/api/v1/usage?customer_id=bench-${seq++ % CUSTOMERS}&meter=api_calls&window=day&from=${monthStart}&to=${monthEnd}`,
});

/**
 * A meter archived (or restored) through the first replica; every replica polled straight (not
 * through HAProxy) with an event for it until its answer changes. Milliseconds per replica, from
 * the moment the change's answer arrived (it is committed then).
 */
async function propagation(cluster, rounds) {
  const code = `prop_${run}_${cluster.replicas.length}`;
  const eventName = `prop_event_${run}_${cluster.replicas.length}`;
  await send(`${cluster.url}/api/v1/meters`, {
    method: "POST",
    headers,
    body: JSON.stringify({ code, name: "Propagation", event_name: eventName, aggregation: "count" }),
  });
  const post = (url) =>
    send(`${url}/api/v1/events`, {
      method: "POST",
      headers,
      body: JSON.stringify({ event_id: `${code}-${seq++}`, event_name: eventName, external_customer_id: "bench-0" }),
    });
  const delays = [];
  for (let i = 0; i < rounds; i++) {
    const archive = i % 2 === 0;
    const res = await send(`${cluster.replicas[0].url}/api/v1/meters/${code}`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ archived: archive }),
    });
    if (res.status !== 200) throw new Error(`PATCH meter: ${res.status} ${res.text}`);
    const at = performance.now();
    const seen = await Promise.all(
      cluster.replicas.map(async (r) => {
        for (;;) {
          const s = (await post(r.url)).status;
          if (archive ? s === 422 || s === 400 : s === 202) return performance.now() - at;
          if (performance.now() - at > 10_000) return Infinity;
        }
      }),
    );
    delays.push(...seen.slice(1)); // the first replica made the change: it is never behind
    await new Promise((r) => setTimeout(r, 200));
  }
  delays.sort((a, b) => a - b);
  return { rounds, p50_ms: Math.round(percentile(delays, 50)), max_ms: Math.round(delays.at(-1)) };
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

const results = {};
for (const n of [1, 3]) {
  const cluster = await startCluster({ replicas: n, database: DB, env: { JOBS_ENABLED: "true" } });
  const sql = connect(cluster.databaseUrl, { max: 2 });
  try {
    await seedBenchCatalog(sql, CUSTOMERS);
    await sql`insert into credit_events (id, code, name, credits) values ('cev_bench', 'bench_call', 'Benchmark call', 1) on conflict do nothing`;
    for (let i = 0; i < CUSTOMERS; i++) {
      const g = await send(`${cluster.url}/api/v1/credits/grants`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          customer_id: `org_bench_${String(i).padStart(5, "0")}`,
          amount: 1_000_000_000_000,
          source: "purchased",
          reason: "benchmark",
          idempotency_key: `bench-grant-${i}`,
        }),
      });
      if (g.status !== 201) throw new Error(`grant: ${g.status} ${g.text}`);
    }
    const pids = [...cluster.replicas.map((r) => r.pid), cluster.haproxy.pid];
    console.log(`${n} replica${n > 1 ? "s" : ""}: load average ${load()}`);
    await measure(cluster.url, ingest, 3, pids); // warm-up: route bundles, pools
    await measure(cluster.url, consume, 2, pids);
    await measure(cluster.url, usageRead, 2, pids);
    const r = {};
    if (n === 1) r.ingest_direct = await measure(cluster.replicas[0].url, ingest, seconds, pids);
    r.ingest = await measure(cluster.url, ingest, seconds, pids);
    r.consume = await measure(cluster.url, consume, seconds, pids);
    r.usage_read = await measure(cluster.url, usageRead, seconds, pids);
    if (n > 1) {
      r.propagation_idle = await propagation(cluster, 10);
      const [under] = await Promise.all([propagation(cluster, 10), measure(cluster.url, ingest, 8, pids)]);
      r.propagation_under_ingest = under;
    }
    const [{ stored }] = await sql`select count(*)::int as stored from usage_events`;
    r.stored_events = stored;
    r.load_after = load();
    results[`replicas_${n}`] = r;
    for (const [k, v] of Object.entries(r))
      console.log(`  ${k.padEnd(24)} ${typeof v === "object" ? JSON.stringify(v) : v}`);
  } finally {
    await sql.end();
    await cluster.stop();
    await dropClusterDatabase(DB);
  }
}
const one = results.replicas_1;
const three = results.replicas_3;
const ratio = (a, b) => +(a / Math.max(1, b)).toFixed(2);
console.log(
  `three/one: ingest ${ratio(three.ingest.per_s, one.ingest.per_s)}, consume ${ratio(three.consume.per_s, one.consume.per_s)}, usage reads ${ratio(three.usage_read.per_s, one.usage_read.per_s)}; HAProxy/direct (one replica, ingest) ${ratio(one.ingest.per_s, one.ingest_direct.per_s)}`,
);
console.log(
  JSON.stringify({ bench: "cluster", seconds, clients, cpus: os.cpus().length, node: process.version, ...results }),
);
