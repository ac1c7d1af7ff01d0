// Price simulation (issue 21), on real Postgres: 10,000 subscribers of a plan, each with 12 complete
// months of usage in the rollups (API calls, graduated; LLM tokens priced per model: 4 hourly
// buckets a month per meter and model, 1.44 million rollup rows), and a next version of the plan with
// other prices. Times POST /api/v1/plans/{id}/simulate over HTTP ({ months: 12 }): every
// subscriber's 12 months rated under both sets of terms. Target < 10 s. Two runs: the first on a
// cold server (the route's modules load), the second warm; then the same simulation in this process
// (lib/simulation from the sources, no HTTP), split into its read and its rating.
//   node --conditions=react-server --import tsx bench/simulation.ts [subscriptions=10000] [months=12]
// Needs a production build (`npm run build`) and Postgres at BENCH_DATABASE_URL (default local).
import os from "node:os";
import { connect } from "./support/server.mjs";
import { api, createCallAndTokenMeters, startServer } from "./lib/server";

const N = Number(process.argv[2] ?? 10_000);
const MONTHS = Number(process.argv[3] ?? 12);
const BUCKETS = [3, 10, 17, 24]; // days of the month with usage (one hourly bucket each)

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

const server = await startServer(process.env.BENCH_DB ?? "tally_bench_simulation", {
  port: Number(process.env.BENCH_PORT ?? 3531),
});
const sql = connect(server.databaseUrl, { max: 4 });
try {
  await createCallAndTokenMeters(server);
  const plan = await api<{ id: string }>(server, "POST", "/api/v1/plans", {
    code: "bench-sim",
    name: "Bench simulation",
    interval: "month",
    base_price: "49.00",
    charges: [
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
    ],
  });
  const meters = await sql`select id, code from meters`;
  const meterId = Object.fromEntries(meters.map((m) => [m.code, m.id])) as Record<string, string>;

  const now = new Date();
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - MONTHS - 1, 15));
  const gen = performance.now();
  await sql`insert into organizations (id, name) select 'org_sim_' || i, 'Sim ' || i from generate_series(1, ${N}) i`;
  await sql`insert into subscriptions (id, org_id, plan_id, status, interval, billing_anchor, current_period_start, current_period_end, provider, created_at)
            select 'sub_sim_' || i, 'org_sim_' || i, ${plan.id}, 'active', 'month', ${since}, ${since}, ${since}::timestamptz + interval '1 month', 'manual', ${since}
              from generate_series(1, ${N}) i`;
  // Month m (1 = the window's first) of customer i: calls and tokens vary by customer and month.
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - MONTHS, 1));
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
            select 'org_sim_' || i, ${meterId.api_calls!}, ${first}::timestamptz + (m - 1) * interval '1 month' + (d - 1) * interval '1 day' + interval '12 hours',
                   '{}', 0, 100 + (i * 7 + m * 13) % 40000, null, null
              from generate_series(1, ${N}) i, generate_series(1, ${MONTHS}) m, unnest(${BUCKETS}::int[]) d`;
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max)
            select 'org_sim_' || i, ${meterId.llm_tokens!}, ${first}::timestamptz + (m - 1) * interval '1 month' + (d - 1) * interval '1 day' + interval '12 hours',
                   g.k, 0, 10, 20000 + (i * 11 + m * 17) % 90000, 3000
              from generate_series(1, ${N}) i, generate_series(1, ${MONTHS}) m, unnest(${BUCKETS}::int[]) d,
                   (values ('{"model":"gpt-4"}'), ('{"model":"claude-3"}')) g(k)`;
  await sql`analyze`;
  const [rows] = await sql`select count(*)::int as n from usage_rollups`;
  console.log(
    `generated ${N.toLocaleString("en-US")} subscribers and ${rows!.n.toLocaleString("en-US")} rollup rows (${MONTHS} months) in ${((performance.now() - gen) / 1000).toFixed(1)} s`,
  );

  // The next version: a dearer fee, cheaper calls, tokens at one price.
  const next = await api<{ id: string; version: number }>(server, "PATCH", `/api/v1/plans/${plan.id}`, {
    base_price: "59.00",
    status: "off_sale",
    charges: [
      { type: "usage", meter: "api_calls", model: "per_unit", unit_price: "0.0002", included_quantity: "5000" },
      { type: "usage", meter: "llm_tokens", model: "per_unit", unit_price: "0.00002" },
    ],
  });

  for (const label of ["cold", "warm"]) {
    console.log(`load average ${load()}`);
    const t0 = performance.now();
    const out = await api<{
      counts: { customers: number; pays_more: number; pays_less: number };
      totals: { current_cents: number; proposed_cents: number; change_percent: string | null };
      elapsed_ms: number;
    }>(server, "POST", `/api/v1/plans/${next.id}/simulate`, { months: MONTHS });
    const seconds = (performance.now() - t0) / 1000;
    const customerMonths = out.counts.customers * MONTHS;
    console.log(
      `${label}: ${out.counts.customers.toLocaleString("en-US")} customers × ${MONTHS} months in ${seconds.toFixed(2)} s over HTTP (${out.elapsed_ms} ms in the server): ${Math.round(customerMonths / seconds).toLocaleString("en-US")} customer-months/s; ${(out.totals.current_cents / 100).toLocaleString("en-US")} → ${(out.totals.proposed_cents / 100).toLocaleString("en-US")} USD (${out.totals.change_percent} %), ${out.counts.pays_more} pay more, ${out.counts.pays_less} less`,
    );
  }
  // In this process, from the sources: the read of the rollups and the rating, apart.
  process.env.DATABASE_URL = server.databaseUrl;
  process.env.AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
  process.env.LOG_LEVEL = "warn";
  process.env.JOBS_ENABLED = "false";
  const { db } = await import("@/lib/db/client");
  const { planProposal } = await import("@/lib/simulation/simulate-plan");
  const { monthWindow, rateCustomers } = await import("@/lib/simulation/rate-customers");
  const { readMonthlyUsage } = await import("@/lib/simulation/monthly-usage");
  const { meterIndex } = await import("@/lib/metering/meters");
  const window = monthWindow(MONTHS, new Date());
  // CPU seconds beside wall seconds: on a shared machine the wall clock says more about the neighbours.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const proposal = await planProposal(db, next.id);
  const t1 = performance.now();
  const index = await meterIndex();
  await readMonthlyUsage(db, {
    orgIds: proposal.customers.map((c) => c.orgId),
    meters: index.all,
    grouped: new Set(["llm_tokens"]),
    months: window.months,
    end: window.end,
  });
  const t2 = performance.now();
  const rated = await rateCustomers(db, proposal.customers, window);
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `in-process: ${proposal.customers.length.toLocaleString("en-US")} subscribers read in ${((t1 - t0) / 1000).toFixed(2)} s; their usage alone in ${((t2 - t1) / 1000).toFixed(2)} s; read and rated in ${((t3 - t2) / 1000).toFixed(2)} s (rating ≈ ${((t3 - t2 - (t2 - t1)) / 1000).toFixed(2)} s, ${Math.round((rated.length * MONTHS * 2) / ((t3 - t2 - (t2 - t1)) / 1000)).toLocaleString("en-US")} customer-months × terms/s); this process's CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
  );
  console.log(`load average ${load()}`);
} finally {
  await sql.end();
  await server.stop();
  process.exit(0);
}
