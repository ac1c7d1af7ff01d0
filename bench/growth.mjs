// Read latencies as stored events grow: a fresh database filled with generate_series in steps
// (1 M, 5 M, 20 M, 50 M, 100 M … events, up to --max), and at each step the reads a customer's
// backend and billing page make, over HTTP against a production server on Postgres, one request
// at a time: the month's usage by day (GET /api/v1/usage), the entitlement check (GET
// /api/v1/entitlements/api_calls) and the upcoming invoice (GET /api/v1/billing/upcoming-invoice).
// 100 customers share the events evenly over the last 90 days (70 % api_call, a count; 30 % llm_call,
// two token sums grouped by model), so the customer read holds 1 % of what is stored and a third of
// that falls in its current period; every customer is on a plan that limits and prices API calls and
// prices input tokens. Each step's events go in with the rollups ingestion would have kept for them
// (8 shards an hour, the same upsert), then `vacuum analyze` as autovacuum would. The check at each
// step: the usage total read over HTTP equals a count of the raw events.
//
//   node bench/growth.mjs [--max 100000000] [--steps 1000000,5000000,20000000,50000000,100000000] [--requests 100]
//   BENCH_DATABASE_URL, BENCH_PORT as for every bench script; BENCH_GROWTH_DB names the database
//   (tally_bench_growth); BENCH_KEEP_DATA=1 keeps it.
import {
  BENCH_KEY,
  connect,
  dropDatabase,
  percentile,
  pgUrl,
  seedBenchCatalog,
  send,
  startServer,
} from "./support/server.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const max = Number(arg("max", 100_000_000));
const requests = Number(arg("requests", 100));
const steps = arg("steps", "1000000,5000000,20000000,50000000,100000000")
  .split(",")
  .map(Number)
  .filter((n) => n < max);
steps.push(max);
const DB = process.env.BENCH_GROWTH_DB || "tally_bench_growth";
const CUSTOMERS = 100;
const CHUNK = 500_000;
const DAY = 86_400_000;
const now = new Date();
const since = new Date(now.getTime() - 90 * DAY); // the events' span
const periodStart = new Date(now.getTime() - 15 * DAY);
const periodEnd = new Date(now.getTime() + 15 * DAY);
// On an hour: the usage API reads whole UTC hours (a `from` inside one is rounded down), and the check
// below counts the raw events over the same range.
const monthFrom = new Date(Math.floor((now.getTime() - 30 * DAY) / 3_600_000) * 3_600_000);

const server = await startServer(DB); // a fresh database, migrated by the server
const sql = connect(pgUrl(DB), { max: 2, idle_timeout: 0 });
const orgs = await seedBenchCatalog(sql, CUSTOMERS);
const limits = [{ meter: "api_calls", limit: 1_000_000_000_000, enforcement: "soft" }];
const charges = [
  { type: "usage", meter: "api_calls", model: "per_unit", unit_price: "0.001" },
  { type: "usage", meter: "llm_input_tokens", model: "per_unit", unit_price: "0.000002" },
];
await sql`insert into plans (id, code, tier, name, interval, base_price_cents, limits, charges)
          values ('plan_growth', 'growth', 'growth', 'Growth', 'month', 4900, ${sql.json(limits)}, ${sql.json(charges)})`;
await sql`insert into subscriptions ${sql(
  orgs.map((o, i) => ({
    id: `sub_growth_${i}`,
    org_id: o.id,
    plan_id: "plan_growth",
    status: "active",
    interval: "month",
    billing_anchor: periodStart,
    current_period_start: periodStart,
    current_period_end: periodEnd,
  })),
)}`;

/** Events lo..hi (1-based): customer g % 100, spread evenly over the 90 days, with their rollups. */
async function generate(lo, hi) {
  await sql`
    with ev as (
      insert into usage_events (id, org_id, event_id, event_name, "timestamp", ingested_at, source, properties, id_generated)
      select 'evt_growth_' || g,
             'org_bench_' || lpad((g % ${CUSTOMERS})::text, 5, '0'),
             'g-' || g,
             case when g % 10 < 7 then 'api_call' else 'llm_call' end,
             ${since.toISOString()}::timestamptz + ((g * 7919) % 7776000) * interval '1 second',
             -- Ingested as it happened (a few seconds later), not all today: events ingested long after
             -- their time are late usage, which the upcoming invoice looks for (lib/payments/late-usage.ts).
             least(now(), ${since.toISOString()}::timestamptz + ((g * 7919) % 7776000 + g % 5) * interval '1 second'),
             'bench',
             case when g % 10 < 7 then '{"route": "/v1/chat"}'::jsonb
                  else jsonb_build_object('model', (array['gpt-4', 'gpt-3.5-turbo', 'claude-3', 'gemini-pro', 'mistral-7b'])[1 + g % 5],
                                          'input_tokens', (200 + g % 800)::text, 'output_tokens', (50 + g % 300)::text) end,
             false
        from generate_series(${lo}::bigint, ${hi}::bigint) as g
      returning id, org_id, event_name, "timestamp", properties),
    contrib as (
      select org_id, 'mtr_bench_api' as meter_id, date_trunc('hour', "timestamp", 'UTC') as bucket_start, '{}' as group_key,
             (abs(hashtext(id)) % 8)::smallint as shard, count(*) as event_count, null::numeric as value_sum,
             null::numeric as value_max, max("timestamp") as latest_at
        from ev where event_name = 'api_call' group by 1, 2, 3, 4, 5
      union all
      select org_id, m.meter_id, date_trunc('hour', "timestamp", 'UTC'), jsonb_build_object('model', properties ->> 'model')::text,
             (abs(hashtext(id)) % 8)::smallint, count(*), sum((properties ->> m.prop)::numeric), max((properties ->> m.prop)::numeric), max("timestamp")
        from ev cross join (values ('mtr_bench_in', 'input_tokens'), ('mtr_bench_out', 'output_tokens')) as m(meter_id, prop)
       where event_name = 'llm_call' group by 1, 2, 3, 4, 5)
    insert into usage_rollups as r (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, latest_value, latest_at)
    select org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, null, latest_at from contrib
    on conflict (org_id, meter_id, bucket_start, group_key, shard) do update set
      event_count = r.event_count + excluded.event_count,
      value_sum = coalesce(r.value_sum + excluded.value_sum, r.value_sum, excluded.value_sum),
      value_max = greatest(r.value_max, excluded.value_max),
      latest_at = greatest(r.latest_at, excluded.latest_at)`;
}

async function timeIt(url) {
  const headers = { authorization: `Bearer ${BENCH_KEY}` };
  let last;
  for (let i = 0; i < 10; i++) last = await send(url, { headers }); // warm-up
  if (!last.ok) throw new Error(`${url}: ${last.status} ${last.text.slice(0, 300)}`);
  const times = [];
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    last = await send(url, { headers });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return {
    p50_ms: r(percentile(times, 50)),
    p95_ms: r(percentile(times, 95)),
    p99_ms: r(percentile(times, 99)),
    body: last.text,
  };
}

const base = server.url;
// To the next hour: a `to` inside the hour a request is made in includes that hour, any other `to` is rounded
// down — and the steps take longer than an hour, so the bench's start would be rounded down at later steps.
const monthTo = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000);
const usageUrl = `${base}/api/v1/usage?customer_id=bench-0&meter=api_calls&window=day&from=${monthFrom.toISOString()}&to=${monthTo.toISOString()}`;
const entitlementUrl = `${base}/api/v1/entitlements/api_calls?customer_id=bench-0`;
const upcomingUrl = `${base}/api/v1/billing/upcoming-invoice?customer_id=bench-0`;

const results = [];
let stored = 0;
for (const target of steps) {
  const started = performance.now();
  for (let lo = stored + 1; lo <= target; lo += CHUNK) {
    const hi = Math.min(target, lo + CHUNK - 1);
    await generate(lo, hi);
    process.stdout.write(`generated ${hi.toLocaleString("en-US")} events\r`);
  }
  stored = target;
  await sql`vacuum analyze usage_events`;
  await sql`vacuum analyze usage_rollups`;
  const generateS = Math.round((performance.now() - started) / 1000);
  const [{ size }] = await sql`select pg_size_pretty(pg_database_size(current_database())) as size`;
  const [{ rollups }] = await sql`select count(*)::int as rollups from usage_rollups`;
  const usage = await timeIt(usageUrl);
  const entitlement = await timeIt(entitlementUrl);
  const upcoming = await timeIt(upcomingUrl);
  const [{ raw }] = await sql`select count(*)::text as raw from usage_events
                               where org_id = 'org_bench_00000' and event_name = 'api_call'
                                 and "timestamp" >= ${monthFrom.toISOString()}::timestamptz and "timestamp" < ${monthTo.toISOString()}::timestamptz`;
  const usageTotal = JSON.parse(usage.body).meters[0].value;
  const step = {
    events_stored: stored,
    database_size: size,
    rollup_rows: rollups,
    generate_s: generateS,
    usage_by_day: { ...usage, body: undefined },
    entitlement: { ...entitlement, body: undefined },
    upcoming_invoice: { ...upcoming, body: undefined },
    usage_total_matches_raw: usageTotal === raw,
  };
  results.push(step);
  console.log(
    `${stored.toLocaleString("en-US")} events (${size}, ${rollups.toLocaleString("en-US")} rollup rows, +${generateS} s): ` +
      `usage by day p50 ${usage.p50_ms} / p95 ${usage.p95_ms} / p99 ${usage.p99_ms} ms; ` +
      `entitlement p50 ${entitlement.p50_ms} / p95 ${entitlement.p95_ms} / p99 ${entitlement.p99_ms} ms; ` +
      `upcoming invoice p50 ${upcoming.p50_ms} / p95 ${upcoming.p95_ms} / p99 ${upcoming.p99_ms} ms; ` +
      `usage total ${usageTotal} ${step.usage_total_matches_raw ? "=" : "≠"} raw ${raw}`,
  );
}
await server.stop();
await sql.end();
if (process.env.BENCH_KEEP_DATA !== "1") await dropDatabase(DB);
console.log(JSON.stringify({ bench: "growth", requests, results }));
