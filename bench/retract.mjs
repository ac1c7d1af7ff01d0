// Retracting a customer-month of usage (issue 22): N events (default 1,000,000) of one customer in
// one month, generated in a fresh database with generate_series (with the rollups ingestion would
// have kept, 8 shards an hour), plus 100,000 events of another customer in the same month. Then
// POST /api/v1/events/retract for the whole month, and the time until the correction reads
// "completed" (the request runs batches for 1.5 s, the metering.corrections job the rest). While it
// runs, a reader asks GET /api/v1/usage (the month by day) and GET /api/v1/customers/{id}/usage-summary
// one after the other, and their latencies are compared with the same reads before the retraction.
// At the end: the customer's usage is 0, the other customer's equals its raw events, and the
// retracted events are all in usage_events_retracted.
//
//   node bench/retract.mjs [events=1000000]     (BENCH_PORT picks the server's port)
import os from "node:os";
import {
  BENCH_KEY,
  connect,
  dropDatabase,
  percentile,
  pgUrl,
  recreateDatabase,
  rollupsFromEvents,
  seedBenchCatalog,
  startServer,
} from "./support/server.mjs";

const events = Number(process.argv[2] ?? 1_000_000);
const DB = "tally_bench_retract";
const CHUNK = 250_000;
const now = new Date();
const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const seconds = Math.floor((monthEnd - monthStart) / 1000);

await recreateDatabase(DB);
const server = await startServer(DB, { keep: true, env: { JOBS_ENABLED: "true" } });
const sql = connect(pgUrl(DB), { max: 2, idle_timeout: 0 });
await seedBenchCatalog(sql, 2);

const generated = performance.now();
async function generate(org, prefix, n) {
  for (let lo = 1; lo <= n; lo += CHUNK) {
    const hi = Math.min(n, lo + CHUNK - 1);
    await sql`
      insert into usage_events (id, org_id, event_id, event_name, "timestamp", source, properties, id_generated)
      select ${prefix} || g, ${org}, ${prefix} || g,
             case when g % 10 < 7 then 'api_call' else 'llm_call' end,
             ${monthStart.toISOString()}::timestamptz + ((g * 7919) % ${seconds}) * interval '1 second',
             'bench',
             case when g % 10 < 7 then '{"route": "/v1/chat"}'::jsonb
                  else jsonb_build_object('model', (array['gpt-4', 'gpt-3.5-turbo', 'claude-3', 'gemini-pro', 'mistral-7b'])[1 + g % 5],
                                          'input_tokens', (200 + g % 800)::text, 'output_tokens', (50 + g % 300)::text) end,
             false
        from generate_series(${lo}::bigint, ${hi}::bigint) as g`;
    await sql`insert into event_keys (org_id, event_id, body_hash) select ${org}, ${prefix} || g, 'bench' from generate_series(${lo}::bigint, ${hi}::bigint) as g`;
  }
}
await generate("org_bench_00000", "evt_r0_", events);
await generate("org_bench_00001", "evt_r1_", 100_000);
await rollupsFromEvents(sql);
console.log(
  `generated ${events.toLocaleString("en-US")} + 100,000 events in ${Math.round((performance.now() - generated) / 1000)} s`,
);

const headers = { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" };
const usageUrl = (c) =>
  `${server.url}/api/v1/usage?customer_id=${c}&meter=api_calls&window=day&from=${monthStart.toISOString()}&to=${monthEnd.toISOString()}`;
const reads = [usageUrl("bench-0"), `${server.url}/api/v1/customers/bench-0/usage-summary`];
async function readOnce(i) {
  const t = performance.now();
  const res = await fetch(reads[i % 2], { headers });
  const body = await res.json();
  if (!res.ok) throw new Error(`read ${res.status}: ${JSON.stringify(body)}`);
  return { ms: performance.now() - t, i, body };
}
const stats = (times) => {
  const s = [...times].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return { n: s.length, p50_ms: r(percentile(s, 50)), p95_ms: r(percentile(s, 95)), max_ms: r(s[s.length - 1] ?? 0) };
};

// Before: the reads alone.
const before = [];
for (let i = 0; i < 60; i++) before.push((await readOnce(i)).ms);
const totalBefore = (await readOnce(0)).body.meters[0].value;

// During: the reader runs until the correction completes.
let done = false;
const during = [];
const totals = [];
const reader = (async () => {
  for (let i = 0; !done; i++) {
    const r = await readOnce(i);
    during.push(r.ms);
    if (r.i % 2 === 0) totals.push(Number(r.body.meters[0].value));
  }
})();
const load0 = os.loadavg()[0];
const t0 = performance.now();
const res = await fetch(`${server.url}/api/v1/events/retract`, {
  method: "POST",
  headers: { ...headers, "idempotency-key": `bench-${Date.now()}` },
  body: JSON.stringify({
    customer_id: "bench-0",
    reason: "benchmark: the whole month was sent twice",
    from: monthStart.toISOString(),
    to: monthEnd.toISOString(),
  }),
});
const created = await res.json();
const answeredMs = performance.now() - t0;
if (res.status >= 300 && res.status !== 202) throw new Error(`retract ${res.status}: ${JSON.stringify(created)}`);
let correction = created;
while (correction.status !== "completed") {
  if (correction.status === "failed" || performance.now() - t0 > 600_000) throw new Error(JSON.stringify(correction));
  await new Promise((r) => setTimeout(r, 250));
  const list = await (
    await fetch(`${server.url}/api/v1/usage-corrections?customer_id=bench-0&limit=1`, { headers })
  ).json();
  correction = list.data[0];
}
const totalMs = performance.now() - t0;
done = true;
await reader;
const load1 = os.loadavg()[0];

const totalAfter = (await readOnce(0)).body.meters[0].value;
const otherAfter = (await (await fetch(usageUrl("bench-1"), { headers })).json()).meters[0].value;
const [{ other_raw }] =
  await sql`select count(*)::int as other_raw from usage_events where org_id = 'org_bench_00001' and event_name = 'api_call'`;
const [{ retracted }] = await sql`select count(*)::int as retracted from usage_events_retracted`;
const [{ left }] = await sql`select count(*)::int as left from usage_events where org_id = 'org_bench_00000'`;
const monotone = totals.every((v, i) => i === 0 || v <= totals[i - 1]);

await server.stop();
await sql.end();
await dropDatabase(DB);

const result = {
  bench: "retract",
  events,
  request_answered_ms: Math.round(answeredMs),
  total_s: Math.round(totalMs / 100) / 10,
  events_per_s: Math.round(events / (totalMs / 1000)),
  correction: { status: correction.status, events_retracted: correction.events_retracted },
  reads_before: stats(before),
  reads_during: stats(during),
  usage_total_before: totalBefore,
  usage_total_after: totalAfter,
  usage_totals_never_rose: monotone,
  other_customer_usage_equals_raw: Number(otherAfter) === other_raw,
  retracted_rows: retracted,
  events_left: left,
  load_1min: [Math.round(load0 * 100) / 100, Math.round(load1 * 100) / 100],
  cpus: os.cpus().length,
};
console.log(
  `retracted ${correction.events_retracted.toLocaleString("en-US")} events in ${result.total_s} s (${result.events_per_s.toLocaleString("en-US")}/s); the request answered in ${result.request_answered_ms} ms`,
);
console.log(
  `reads before: p50 ${result.reads_before.p50_ms} ms, p95 ${result.reads_before.p95_ms} ms; during: p50 ${result.reads_during.p50_ms} ms, p95 ${result.reads_during.p95_ms} ms, max ${result.reads_during.max_ms} ms (${result.reads_during.n} reads)`,
);
console.log(JSON.stringify(result));
