// A customer's month of usage by day, with N events stored (default 10 million), read over HTTP
// from a production server on Postgres: GET /api/v1/usage?window=day for 30 days. The dataset
// is generated in its own database with generate_series (not through HTTP): half the events
// belong to the customer read (its month), the rest to 99 other customers over three months;
// 70 % api_call (count), 30 % llm_call (two token sums grouped by model). The rollups are built
// from the generated events as ingestion would have (8 shards an hour). The ratio compares the
// same month by day aggregated from the raw events, measured in the same run.
//
//   node bench/usage-read.mjs [events=10000000] [requests=200]
//   (BENCH_KEEP_DATA=1 keeps the database for another run; a second run with the same size reuses it)
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

const events = Number(process.argv[2] ?? 10_000_000);
const requests = Number(process.argv[3] ?? 200);
const DB = "tally_bench_read";
const CHUNK = 1_000_000;
const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) - 31 * 86_400_000);
const monthEnd = new Date(monthStart.getTime() + 30 * 86_400_000);
const keep = process.env.BENCH_KEEP_DATA === "1";

// Reuse a dataset of the same size (generation takes minutes at 10 million).
const admin = connect(pgUrl("postgres"), { max: 1 });
const [existing] = await admin`select 1 from pg_database where datname = ${DB}`;
await admin.end();
let reuse = false;
if (existing) {
  const probe = connect(pgUrl(DB), { max: 1 });
  try {
    const [row] = await probe`select value from app_settings where key = 'bench_read_events'`;
    reuse = row?.value === `${events}|${monthStart.toISOString()}`;
  } catch {}
  await probe.end();
}
if (!reuse) await recreateDatabase(DB);

const server = await startServer(DB, { keep: true });
const sql = connect(pgUrl(DB), { max: 2, idle_timeout: 0 });

if (!reuse) {
  const started = performance.now();
  await seedBenchCatalog(sql, 100);
  for (let lo = 1; lo <= events; lo += CHUNK) {
    const hi = Math.min(events, lo + CHUNK - 1);
    await sql`
      insert into usage_events (id, org_id, event_id, event_name, "timestamp", source, properties, id_generated)
      select 'evt_bench_' || g,
             case when g % 2 = 0 then 'org_bench_00000' else 'org_bench_' || lpad((1 + (g / 2) % 99)::text, 5, '0') end,
             'b-' || g,
             case when g % 10 < 7 then 'api_call' else 'llm_call' end,
             case when g % 2 = 0 then ${monthStart.toISOString()}::timestamptz + (g % 2592000) * interval '1 second'
                  else ${monthStart.toISOString()}::timestamptz - interval '60 days' + (g % 7776000) * interval '1 second' end,
             'bench',
             case when g % 10 < 7 then '{"route": "/v1/chat"}'::jsonb
                  else jsonb_build_object('model', (array['gpt-4', 'gpt-3.5-turbo', 'claude-3', 'gemini-pro', 'mistral-7b'])[1 + g % 5],
                                          'input_tokens', (200 + g % 800)::text, 'output_tokens', (50 + g % 300)::text) end,
             false
        from generate_series(${lo}::bigint, ${hi}::bigint) as g`;
    process.stdout.write(`generated ${hi.toLocaleString("en-US")} events\r`);
  }
  console.log();
  await rollupsFromEvents(sql);
  await sql`insert into app_settings (key, value) values ('bench_read_events', ${`${events}|${monthStart.toISOString()}`})`;
  console.log(`dataset generated in ${Math.round((performance.now() - started) / 1000)} s`);
}

const [{ stored }] = await sql`select count(*)::bigint::text as stored from usage_events`;
const [{ mine }] =
  await sql`select count(*)::bigint::text as mine from usage_events where org_id = 'org_bench_00000' and "timestamp" >= ${monthStart.toISOString()}::timestamptz and "timestamp" < ${monthEnd.toISOString()}::timestamptz`;
const [{ size }] = await sql`select pg_size_pretty(pg_database_size(current_database())) as size`;

async function timeIt(n, fn) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 100) / 100;
  return { n, p50_ms: r(percentile(times, 50)), p95_ms: r(percentile(times, 95)), p99_ms: r(percentile(times, 99)) };
}

const url = `${server.url}/api/v1/usage?customer_id=bench-0&meter=api_calls&window=day&from=${monthStart.toISOString()}&to=${monthEnd.toISOString()}`;
const headers = { authorization: `Bearer ${BENCH_KEY}` };
let days = 0;
let total = "";
await timeIt(10, async () => (await fetch(url, { headers })).json()); // warm-up
const http = await timeIt(requests, async () => {
  const body = await (await fetch(url, { headers })).json();
  days = body.meters[0].windows.length;
  total = body.meters[0].value;
});
// The same question asked of the raw events, in the same database and run.
const raw = await timeIt(
  Math.max(3, Math.min(10, Math.round(requests / 20))),
  () =>
    sql`select date_trunc('day', "timestamp", 'UTC') as day, count(*) from usage_events
       where org_id = 'org_bench_00000' and event_name = 'api_call'
         and "timestamp" >= ${monthStart.toISOString()}::timestamptz and "timestamp" < ${monthEnd.toISOString()}::timestamptz
       group by 1 order by 1`,
);
const rolled = await timeIt(
  requests,
  () =>
    sql`select date_trunc('day', bucket_start, 'UTC') as day, sum(event_count) from usage_rollups
       where org_id = 'org_bench_00000' and meter_id = 'mtr_bench_api'
         and bucket_start >= ${monthStart.toISOString()}::timestamptz and bucket_start < ${monthEnd.toISOString()}::timestamptz
       group by 1 order by 1`,
);
const [{ check }] =
  await sql`select count(*)::text as check from usage_events where org_id = 'org_bench_00000' and event_name = 'api_call'
                                and "timestamp" >= ${monthStart.toISOString()}::timestamptz and "timestamp" < ${monthEnd.toISOString()}::timestamptz`;
await server.stop();
await sql.end();
if (!keep) await dropDatabase(DB);

const result = {
  bench: "usage-read",
  events_stored: Number(stored),
  events_of_customer_in_month: Number(mine),
  database_size: size,
  http_usage_by_day: http,
  sql_rollups_by_day: rolled,
  sql_raw_events_by_day: raw,
  ratio_raw_to_http_p95: Math.round((raw.p95_ms / http.p95_ms) * 10) / 10,
  ratio_raw_to_rollup_sql_p95: Math.round((raw.p95_ms / rolled.p95_ms) * 10) / 10,
  days,
  total_matches_raw: total === check,
};
console.log(
  `${Number(stored).toLocaleString("en-US")} events stored (${size}); the customer has ${Number(mine).toLocaleString("en-US")} in the month read`,
);
console.log(
  `GET /api/v1/usage by day over 30 days: p50 ${http.p50_ms} ms, p95 ${http.p95_ms} ms, p99 ${http.p99_ms} ms (${requests} requests, one at a time)`,
);
console.log(
  `same by day from the raw events (SQL): p95 ${raw.p95_ms} ms → ${result.ratio_raw_to_http_p95}× the HTTP read; rollup SQL alone p95 ${rolled.p95_ms} ms (${result.ratio_raw_to_rollup_sql_p95}×)`,
);
console.log(`usage total ${total} ${result.total_matches_raw ? "equals" : "DIFFERS FROM"} the raw count ${check}`);
console.log(JSON.stringify(result));
