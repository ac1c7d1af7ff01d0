// Revenue dashboard at scale, on real Postgres: 10,000 customers, 100,000 subscription changes
// and 100,000 invoices generated straight into a database of its own (generate_series), then
//   1. GET /api/v1/admin/billing/stats under closed-loop load (target p95 < 150 ms), beside a
//      baseline of an authenticated one-row read in the same run;
//   2. the admin home page (/admin) rendered for an admin session, sequentially: server time;
//   3. a 100,000-row CSV export (invoices.csv): time, rows, and the server's memory during it;
//   4. GET /api/v1/admin/revenue/series (12 months recomputed from the 100,000 changes).
//   npx tsx bench/revenue.ts [seconds=10] [concurrency=8]
// Needs a production build (`npm run build`) and Postgres at BENCH_DATABASE_URL (default local).
import { encode } from "@auth/core/jwt";
import { closedLoop } from "./lib/load";
import { connect, rss } from "./support/server.mjs";
import { api, BENCH_KEY, send, startServer } from "./lib/server";

const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 8);
const CUSTOMERS = 10_000;
const CHANGES_PER_SUBSCRIPTION = 10; // 100,000 history rows
const INVOICES = 100_000;
const AUTH_SECRET = "bench-secret-bench-secret-bench-secret";

const server = await startServer("tally_bench_revenue", { port: Number(process.env.BENCH_PORT ?? 3133) });
const sql = connect(server.databaseUrl, { max: 2 });
const pct = (list: number[], p: number) => {
  const s = [...list].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};
const rssMb = () => {
  const r = rss(server.pid);
  return { rss: r.rss_mb, hwm: r.peak_mb };
};

try {
  // ——— data ———
  const generated = performance.now();
  const tiers = [
    ["starter", 2900, 29000],
    ["professional", 9900, 99000],
    ["enterprise", 29900, 299000],
    ["team", 4900, 49000],
  ] as const;
  const planIds: { id: string; interval: string; price: number }[] = [];
  for (const [tier, monthly, yearly] of tiers) {
    for (const [interval, cents] of [
      ["month", monthly],
      ["year", yearly],
    ] as const) {
      const p = await api<{ id: string }>(server, "POST", "/api/v1/plans", {
        code: `${tier}-${interval}`,
        name: tier,
        tier,
        interval,
        currency: "usd",
        base_price: (cents / 100).toFixed(2),
      });
      planIds.push({ id: p.id, interval, price: cents });
    }
  }
  const plans = JSON.stringify(planIds.map((p) => p.id));
  await sql.unsafe(`
    insert into organizations (id, name, email, external_id, created_at)
    select 'org_bench_' || lpad(g::text, 6, '0'), 'Customer ' || g, 'c' || g || '@bench.example', 'ext-' || g, now() - interval '700 days' + (g % 300) * interval '1 day'
    from generate_series(1, ${CUSTOMERS}) g`);
  // One subscription per customer: 70 % active, 10 % trialing, 5 % past due, 15 % canceled; some discounted.
  await sql.unsafe(`
    with p as (select row_number() over () - 1 as i, value as id from json_array_elements_text('${plans}'::json))
    insert into subscriptions (id, org_id, plan_id, status, interval, billing_anchor, current_period_start, current_period_end, discount_percent, provider, created_at, updated_at, canceled_at, ended_at)
    select 'sub_bench_' || g, 'org_bench_' || lpad(g::text, 6, '0'), p.id,
           case when g % 20 < 14 then 'active' when g % 20 < 16 then 'trialing' when g % 20 = 16 then 'past_due' else 'canceled' end,
           pl.interval, now() - interval '30 days', now() - interval '10 days', now() + interval '20 days',
           case when g % 9 = 0 then 20 else 0 end, 'manual', now() - interval '700 days' + (g % 300) * interval '1 day', now(),
           case when g % 20 > 16 then now() - interval '40 days' end, case when g % 20 > 16 then now() - interval '40 days' end
    from generate_series(1, ${CUSTOMERS}) g join p on p.i = g % 8 join plans pl on pl.id = p.id`);
  // Ten changes per subscription, 36 days apart, each on a plan of its own; the tenth is the current state.
  await sql.unsafe(`
    with p as (select row_number() over () - 1 as i, value as id from json_array_elements_text('${plans}'::json))
    insert into subscription_history (id, org_id, subscription_id, occurred_at, action, status, plan_id, interval, base_price_cents, currency, discount_percent, actor, recorded_at)
    select 'sbh_bench_' || s.g || '_' || k, s.org_id, s.id, s.created_at + k * interval '36 days',
           case when k = 0 then 'created' when k = ${CHANGES_PER_SUBSCRIPTION - 1} and s.status = 'canceled' then 'canceled' when k % 3 = 0 then 'renewed' else 'plan_changed' end,
           case when k = ${CHANGES_PER_SUBSCRIPTION - 1} then s.status when (s.g + k) % 17 = 0 then 'past_due' else 'active' end,
           pl.id, pl.interval, pl.base_price_cents, 'usd', case when k = ${CHANGES_PER_SUBSCRIPTION - 1} then s.discount_percent else 0 end, 'bench', s.created_at + k * interval '36 days'
    from (select *, substr(id, 11)::int as g from subscriptions where id like 'sub_bench_%') s
    cross join generate_series(0, ${CHANGES_PER_SUBSCRIPTION - 1}) k
    join p on p.i = case when k = ${CHANGES_PER_SUBSCRIPTION - 1} then (s.g % 8) else ((s.g + k * 3) % 8) end
    join plans pl on pl.id = p.id`);
  await sql.unsafe(`
    insert into invoices (id, org_id, provider, number, status, currency, subtotal_cents, total_cents, amount_paid_cents, amount_due_cents, subscription_id, period_start, period_end, issued_at, paid_at, description)
    select 'inv_bench_' || g, 'org_bench_' || lpad((g % ${CUSTOMERS} + 1)::text, 6, '0'), 'local', 'BENCH-' || lpad(g::text, 7, '0'), 'paid', 'usd', 9900, 9900, 9900, 0,
           'sub_bench_' || (g % ${CUSTOMERS} + 1), now() - (g % 700) * interval '1 day', now() - (g % 700) * interval '1 day' + interval '1 month', now() - (g % 700) * interval '1 day', now() - (g % 700) * interval '1 day', 'Professional (monthly)'
    from generate_series(1, ${INVOICES}) g`);
  await sql.unsafe(`analyze`);
  const [counts] =
    await sql`select (select count(*) from organizations)::int as orgs, (select count(*) from subscription_history)::int as history, (select count(*) from invoices)::int as invoices`;
  const generateSeconds = Math.round((performance.now() - generated) / 100) / 10;

  // An admin and its session cookie (Auth.js v5 session JWT, as the sign-in would set it).
  await sql`insert into users (id, email, name, role) values ('usr_bench_admin', 'admin@bench.example', 'Bench admin', 'admin')`;
  const cookie = `authjs.session-token=${await encode({ token: { sub: "usr_bench_admin" }, secret: AUTH_SECRET, salt: "authjs.session-token" })}`;
  const get = (p: string, auth: "key" | "cookie" = "key") =>
    send(`${server.url}${p}`, { headers: auth === "key" ? { authorization: `Bearer ${BENCH_KEY}` } : { cookie } });

  // ——— 1. stats under load, and a baseline ———
  const statsOnce = JSON.parse((await get("/api/v1/admin/billing/stats")).text);
  for (let i = 0; i < 20; i++) await get("/api/v1/admin/billing/stats");
  const baseline = await closedLoop({
    concurrency,
    seconds: Math.max(3, seconds / 2),
    request: () => get("/api/v1/customers?limit=1"),
  });
  const stats = await closedLoop({ concurrency, seconds, request: () => get("/api/v1/admin/billing/stats") });
  const single: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await get("/api/v1/admin/billing/stats");
    single.push(performance.now() - t);
  }

  // ——— 2. admin home page ———
  const home: number[] = [];
  let homeStatus = 0;
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    const res = await get("/admin", "cookie");
    homeStatus = res.status;
    if (i >= 5) home.push(performance.now() - t);
  }
  const sorted: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await get("/admin?sort=mrr", "cookie");
    sorted.push(performance.now() - t);
  }

  // ——— 3. the 100,000-row export ———
  const before = rssMb();
  let peakRss = before.rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb().rss)), 25);
  const t = performance.now();
  // Read as a stream (fetch), counting bytes and lines as they arrive.
  const res = await fetch(`${server.url}/api/v1/admin/export/invoices.csv`, {
    headers: { authorization: `Bearer ${BENCH_KEY}` },
  });
  const reader = res.body!.getReader();
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const b of value) if (b === 10) lines++;
  }
  const exportMs = performance.now() - t;
  clearInterval(sampler);
  const after = rssMb();

  // ——— 4. series (after the export, so its garbage does not weigh on the export's memory figure) ———
  const series: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await get("/api/v1/admin/revenue/series");
    series.push(performance.now() - t);
  }

  console.log(
    JSON.stringify(
      {
        bench: "revenue",
        data: {
          customers: counts!.orgs,
          subscription_changes: counts!.history,
          invoices: counts!.invoices,
          generate_seconds: generateSeconds,
        },
        stats_check: {
          mrr_cents: statsOnce.mrr_cents,
          active: statsOnce.active_subscriptions,
          tiers: statsOnce.tiers.length,
        },
        stats_under_load: {
          concurrency,
          seconds: stats.seconds,
          per_second: stats.perSecond,
          p50_ms: stats.p50,
          p95_ms: stats.p95,
          p99_ms: stats.p99,
          errors: stats.errors,
          error_samples: stats.errorSamples,
        },
        baseline_customers_limit_1: { per_second: baseline.perSecond, p50_ms: baseline.p50, p95_ms: baseline.p95 },
        stats_sequential: { p50_ms: pct(single, 50), p95_ms: pct(single, 95) },
        admin_home: {
          status: homeStatus,
          p50_ms: pct(home, 50),
          p95_ms: pct(home, 95),
          sorted_by_mrr_p50_ms: pct(sorted, 50),
        },
        series_12_months: { p50_ms: pct(series, 50), max_ms: Math.round(Math.max(...series)) },
        export_invoices_csv: {
          status: res.status,
          rows: lines - 1,
          megabytes: Math.round(bytes / 1e5) / 10,
          seconds: Math.round(exportMs / 100) / 10,
          rows_per_second: Math.round((lines - 1) / (exportMs / 1000)),
          server_rss_before_mb: before.rss,
          server_rss_peak_during_mb: peakRss,
          server_rss_after_mb: after.rss,
        },
      },
      null,
      1,
    ),
  );
} finally {
  await sql.end();
  await server.stop();
}
