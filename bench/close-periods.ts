// Closing periods and reading the upcoming invoice, on real Postgres (issue 16):
//   1. 10,000 subscriptions billed by Tally (manual rail) whose period has ended, each with a month
//      of usage in the rollups on two meters (API calls, graduated; LLM tokens, priced per model):
//      the rollover job closes every period — rates its usage (lib/payments/period-lines over
//      period-input) and writes its invoice with the usage lines — timed in this process; beside
//      it, rating the same quantities in-process with no database (ratePlan), and the ratio.
//      Target ≥ 200 periods/s. The rollover closes them a batch at a time, each batch read and
//      written with one statement per table (lib/subscriptions/rollover, loadPeriodInputs).
//   2. GET /api/v1/billing/upcoming-invoice over HTTP for a customer with a month of 1,000,000
//      events (their hourly rollups, which is what ingestion writes and what the read reads),
//      closed loop; target p95 < 50 ms.
//   node --conditions=react-server --import tsx bench/close-periods.ts [subscriptions=10000] [seconds=10] [concurrency=8]
// Needs a production build (`npm run build`) and Postgres at BENCH_DATABASE_URL (default local).
import os from "node:os";
import { closedLoop } from "./lib/load";
import { connect } from "./support/server.mjs";
import { api, createCallAndTokenMeters, send, startServer } from "./lib/server";

const N = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 10);
const concurrency = Number(process.argv[4] ?? 8);
const HOUR = 3_600_000;
const DAYS_OF_USAGE = 3; // hourly buckets per meter and subscription: 72 (2.16 million rollup rows for 10,000)

const server = await startServer(process.env.BENCH_DB ?? "tally_bench_close", {
  port: Number(process.env.BENCH_PORT ?? 3217),
});
const sql = connect(server.databaseUrl, { max: 4 });
try {
  await createCallAndTokenMeters(server);
  const charges = [
    {
      type: "usage",
      meter: "api_calls",
      model: "graduated",
      tiers: [
        { up_to: 1000, unit_price: "0" },
        { up_to: 100000, unit_price: "0.0005" },
        { up_to: null, unit_price: "0.0003" },
      ],
    },
    {
      type: "usage",
      meter: "llm_tokens",
      model: "group",
      group_by: "model",
      prices: { "gpt-4": "0.0000375", "claude-3": "0.00001875" },
    },
  ];
  const plan = await api<{ id: string }>(server, "POST", "/api/v1/plans", {
    code: "bench-usage",
    name: "Bench usage",
    interval: "month",
    base_price: "49.00",
    charges,
  });
  const [meters] = [await sql`select id, code from meters`];
  const meterId = Object.fromEntries(meters.map((m) => [m.code, m.id])) as Record<string, string>;

  // A period that ended an hour ago and began a month before (as lib/time counts months).
  const { periodBounds } = await import("@/lib/time");
  const end0 = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
  const start = new Date(end0);
  start.setUTCMonth(start.getUTCMonth() - 1);
  const p = periodBounds(start, "month", 0);
  const gen = performance.now();
  await sql`insert into organizations (id, name) select 'org_close_' || i, 'Close ' || i from generate_series(1, ${N}) i`;
  await sql`insert into subscriptions (id, org_id, plan_id, status, interval, billing_anchor, current_period_start, current_period_end, provider)
            select 'sub_close_' || i, 'org_close_' || i, ${plan.id}, 'active', 'month', ${p.start}, ${p.start}, ${p.end}, 'manual' from generate_series(1, ${N}) i`;
  await sql`insert into subscription_history (id, org_id, subscription_id, occurred_at, action, status, plan_id, interval, base_price_cents, currency, actor)
            select 'sbh_close_' || i, 'org_close_' || i, 'sub_close_' || i, ${p.start}, 'created', 'active', ${plan.id}, 'month', 4900, 'usd', 'bench' from generate_series(1, ${N}) i`;
  // Usage in the last DAYS_OF_USAGE days of the period: calls per hour vary by customer; tokens by model.
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
            select 'org_close_' || i, ${meterId.api_calls!}, ${p.end}::timestamptz - h * interval '1 hour', '{}', 0, 50 + (i % 400), null, null
            from generate_series(1, ${N}) i, generate_series(1, ${DAYS_OF_USAGE * 24}) h`;
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
            select 'org_close_' || i, ${meterId.llm_tokens!}, ${p.end}::timestamptz - h * interval '1 hour', g.k, 0, 10, 20000 + (i % 1000), 3000
            from generate_series(1, ${N}) i, generate_series(1, ${DAYS_OF_USAGE * 24}) h, (values ('{"model":"gpt-4"}'), ('{"model":"claude-3"}')) g(k)`;
  await sql`analyze`;
  // The machine is shared: the load average says how much of it this run had.
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.log(`load average ${load()}`);
  const rollupRows = N * DAYS_OF_USAGE * 24 * 3;
  console.log(
    `generated ${N} subscriptions and ${rollupRows.toLocaleString("en-US")} rollup rows in ${((performance.now() - gen) / 1000).toFixed(1)} s`,
  );

  // 1. Closing the periods, in this process, through the job's own function.
  process.env.DATABASE_URL = server.databaseUrl;
  process.env.AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.LOG_LEVEL = "warn";
  process.env.JOBS_ENABLED = "false";
  const { rollOverSubscriptions } = await import("@/lib/subscriptions/rollover");
  const t0 = performance.now();
  const moved = await rollOverSubscriptions(new Date());
  const closeSeconds = (performance.now() - t0) / 1000;
  const [inv] =
    await sql`select count(*)::int as invoices, count(*) filter (where total_cents > 4900)::int as with_usage, sum(total_cents)::bigint as cents from invoices where subscription_id like 'sub_close_%'`;
  const [lines] =
    await sql`select count(*)::int as n from invoice_lines where org_id like 'org_close_%' and kind = 'usage'`;
  const closeRate = Math.round(moved / closeSeconds);
  console.log(
    `closed ${moved} periods in ${closeSeconds.toFixed(1)} s: ${closeRate} periods/s; ${inv!.invoices} invoices (${inv!.with_usage} with usage), ${lines!.n} usage lines, ${(Number(inv!.cents) / 100).toLocaleString("en-US")} USD`,
  );

  // Beside it: rating the same quantities in-process, no database.
  const { ratePlan } = await import("@/lib/rating");
  const { D } = await import("@/lib/money");
  type Charge = Parameters<typeof ratePlan>[0][number];
  const t1 = performance.now();
  let total = new D(0);
  for (let i = 1; i <= N; i++) {
    const calls = String((50 + (i % 400)) * DAYS_OF_USAGE * 24);
    const tokens = String((20000 + (i % 1000)) * DAYS_OF_USAGE * 24);
    total = total.plus(
      ratePlan(
        charges as Charge[],
        { api_calls: calls, llm_tokens: { groups: { "gpt-4": tokens, "claude-3": tokens } } },
        "usd",
        { explain: false },
      ).amount,
    );
  }
  const rateSeconds = (performance.now() - t1) / 1000;
  const rateRate = Math.round(N / rateSeconds);
  console.log(
    `rating the same usage in-process: ${rateRate} periods/s (${total.toFixed(2)} USD); closing costs ${Math.round(rateRate / closeRate)}× rating alone`,
  );

  // 2. The upcoming invoice of a customer with a month of 1,000,000 events.
  const { createApiKey } = await import("@/lib/auth/api-keys");
  const org = "org_close_big";
  const now = new Date();
  const bigStart = new Date(Math.floor(now.getTime() / HOUR) * HOUR - 29 * 24 * HOUR);
  const big = periodBounds(bigStart, "month", 0);
  await sql`insert into organizations (id, name) values (${org}, 'A million events')`;
  await sql`insert into subscriptions (id, org_id, plan_id, status, interval, billing_anchor, current_period_start, current_period_end, provider)
            values ('sub_close_big', ${org}, ${plan.id}, 'active', 'month', ${big.start}, ${big.start}, ${big.end}, 'manual')`;
  await sql`insert into subscription_history (id, org_id, subscription_id, occurred_at, action, status, plan_id, interval, base_price_cents, currency, actor)
            values ('sbh_close_big', ${org}, 'sub_close_big', ${big.start}, 'created', 'active', ${plan.id}, 'month', 4900, 'usd', 'bench')`;
  // 29 days × 24 hours × (API calls + two models): 1,002,240 events in 2,088 hourly rollup rows.
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
            select ${org}, ${meterId.api_calls!}, ${big.start}::timestamptz + h * interval '1 hour', '{}', 0, 720, null, null from generate_series(0, 29 * 24 - 1) h`;
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
            select ${org}, ${meterId.llm_tokens!}, ${big.start}::timestamptz + h * interval '1 hour', g.k, 0, 360, 360 * 1500, 3000
            from generate_series(0, 29 * 24 - 1) h, (values ('{"model":"gpt-4"}'), ('{"model":"claude-3"}')) g(k)`;
  const [events] = await sql`select sum(event_count)::bigint as n from usage_rollups where org_id = ${org}`;
  const key = (await createApiKey({ scope: "customer", orgId: org, name: "bench", createdByUserId: null })).key;
  const first = await send(`${server.url}/api/v1/billing/upcoming-invoice`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!first.ok) throw new Error(`upcoming invoice → ${first.status}: ${first.text.slice(0, 300)}`);
  const body = JSON.parse(first.text) as { total_so_far: string; projected_total: string; lines: unknown[] };
  const read = await closedLoop({
    concurrency,
    seconds,
    request: () =>
      send(`${server.url}/api/v1/billing/upcoming-invoice`, { headers: { authorization: `Bearer ${key}` } }),
  });
  console.log(
    `upcoming invoice, ${Number(events!.n).toLocaleString("en-US")} events this period (${body.lines.length} lines, ${body.total_so_far} so far, ${body.projected_total} projected):`,
    read,
  );
  console.log(`load average ${load()}`);
} finally {
  await sql.end();
  await server.stop();
  process.exit(0);
}
