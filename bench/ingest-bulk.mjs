// Bulk ingestion throughput: POST /api/v1/events/bulk with 1,000 events a request from this
// process (loopback) to a production server on Postgres, for a fixed time, with deduplication
// and rollups on (every event has an id; 70 % api_call feeding one count meter, 30 % llm_call
// feeding two sum meters grouped by model; 100 customers). Then, in the same run and database,
// a raw COPY of the same kind of rows into the same usage_events table, and the ratio.
// Also the server's peak RSS, and a check that the stored rows and the rollups agree.
//
//   node bench/ingest-bulk.mjs [seconds=60] [concurrency=4] [batch=1000]
// Compare: Lago publishes about 10,000 events/s for its REST batch path.
import {
  backendCpuSeconds,
  BENCH_KEY,
  benchEventJson,
  connect,
  cpuSeconds,
  dropDatabase,
  MODELS,
  pgUrl,
  rss,
  seedBenchCatalog,
  send,
  startServer,
} from "./support/server.mjs";

const seconds = Number(process.argv[2] ?? 60);
const concurrency = Number(process.argv[3] ?? 4);
const batchSize = Number(process.argv[4] ?? 1000);
const CUSTOMERS = 100;
const DB = "tally_bench_ingest";
const run = Date.now().toString(36);

const server = await startServer(DB);
const sql = connect(pgUrl(DB), { max: 2 });
await seedBenchCatalog(sql, CUSTOMERS);

let seq = 0;
const eventJson = (now) => benchEventJson(run, seq++, CUSTOMERS, now);
function body() {
  const now = Date.now();
  const parts = new Array(batchSize);
  for (let i = 0; i < batchSize; i++) parts[i] = eventJson(now);
  return `{"events":[${parts.join(",")}]}`;
}

let accepted = 0;
let other = 0;
let requests = 0;
let failed = 0;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss(server.pid).rss_mb)), 500);
const serverCpu0 = cpuSeconds(server.pid);
const deadline = Date.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const res = await send(`${server.url}/api/v1/events/bulk`, {
        method: "POST",
        headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" },
        body: body(),
      });
      const json = JSON.parse(res.text);
      requests++;
      if (res.status !== 202) {
        failed++;
        if (failed < 3) console.error(res.status, JSON.stringify(json).slice(0, 300));
        continue;
      }
      accepted += Number(json.accepted);
      other += Number(json.duplicate) + Number(json.rejected);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
clearInterval(sampler);
const serverMem = rss(server.pid);
const serverCpu = cpuSeconds(server.pid) - serverCpu0;
// Backends live for the whole run (the server's pool), so their CPU is the run's database work (plus setup).
const pgCpu = await backendCpuSeconds(sql, DB);
const ingestRate = accepted / elapsed;

// Consistency: every accepted event is stored once, and the count meter's rollups match.
const [{ stored }] = await sql`select count(*)::int as stored from usage_events where source = 'bench'`;
const [{ api }] =
  await sql`select count(*)::int as api from usage_events where source = 'bench' and event_name = 'api_call'`;
const [{ rolled }] =
  await sql`select coalesce(sum(event_count), 0)::int as rolled from usage_rollups where meter_id = 'mtr_bench_api'`;

await server.stop();

// Baseline: COPY the same kind of rows (same columns and properties, new ids) into the same table.
const copyRows = Math.max(1000, Math.min(accepted, 1_000_000));
const copyStarted = performance.now();
const stream =
  await sql`copy usage_events (id, org_id, event_id, event_name, "timestamp", source, properties, subscription_id, id_generated) from stdin`.writable();
const now = Date.now();
await new Promise((resolve, reject) => {
  stream.on("error", reject);
  stream.on("finish", resolve);
  let i = 0;
  const write = () => {
    let ok = true;
    while (i < copyRows && ok) {
      const lines = [];
      for (let j = 0; j < 1000 && i < copyRows; j++, i++) {
        const ts = new Date(now - (i % 60_000)).toISOString();
        const org = `org_bench_${String(i % CUSTOMERS).padStart(5, "0")}`;
        const props =
          i % 10 < 7
            ? `{"route": "/v1/chat", "status": "200"}`
            : `{"model": "${MODELS[i % MODELS.length]}", "input_tokens": "${200 + (i % 800)}", "output_tokens": "${50 + (i % 300)}"}`;
        lines.push(
          `copy_${run}_${i}\t${org}\tcopy-${run}-${i}\t${i % 10 < 7 ? "api_call" : "llm_call"}\t${ts}\tcopy\t${props}\t\\N\tf\n`,
        );
      }
      ok = stream.write(lines.join(""));
    }
    if (i < copyRows) stream.once("drain", write);
    else stream.end();
  };
  write();
});
const copyRate = copyRows / ((performance.now() - copyStarted) / 1000);
await sql.end();
await dropDatabase(DB);

const result = {
  bench: "ingest-bulk",
  seconds: Math.round(elapsed * 10) / 10,
  concurrency,
  batch: batchSize,
  requests,
  failed_requests: failed,
  accepted,
  not_accepted: other,
  events_per_second: Math.round(ingestRate),
  copy_rows: copyRows,
  copy_rows_per_second: Math.round(copyRate),
  ratio_to_copy: Math.round((ingestRate / copyRate) * 1000) / 1000,
  vs_lago_10k: Math.round((ingestRate / 10_000) * 100) / 100,
  server_peak_rss_mb: Math.max(peakRss, serverMem.peak_mb),
  server_cpu_us_per_event: Math.round((serverCpu / accepted) * 1e6 * 10) / 10,
  postgres_cpu_us_per_event: Math.round((pgCpu / accepted) * 1e6 * 10) / 10,
  consistent: stored === accepted && rolled === api,
};
console.log(
  `bulk ingest: ${result.events_per_second.toLocaleString("en-US")} events/s (${accepted.toLocaleString("en-US")} in ${result.seconds} s, ${concurrency} concurrent requests of ${batchSize})`,
);
console.log(
  `raw COPY of the same rows: ${result.copy_rows_per_second.toLocaleString("en-US")} rows/s → ratio ${result.ratio_to_copy}`,
);
console.log(
  `CPU per event: server ${result.server_cpu_us_per_event} µs, Postgres backends ${result.postgres_cpu_us_per_event} µs`,
);
console.log(
  `server peak RSS ${result.server_peak_rss_mb} MB; stored ${stored}, api_call rollup ${rolled} of ${api}: ${result.consistent ? "consistent" : "MISMATCH"}`,
);
console.log(JSON.stringify(result));
