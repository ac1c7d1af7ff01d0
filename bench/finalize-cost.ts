// Finalize-cost over HTTP on real Postgres: 32 concurrent clients finalize calls of a plan with five
// charges (graduated tiers included). Target ≥ 1,000 calls/s, p99 < 50 ms.
//   npx tsx bench/finalize-cost.ts [seconds=20] [concurrency=32]
// Needs a production build (`npm run build`) and Postgres at BENCH_DATABASE_URL (default local).
import { closedLoop } from "./lib/load";
import { api, BENCH_KEY, send, startServer } from "./lib/server";

const seconds = Number(process.argv[2] ?? 20);
const concurrency = Number(process.argv[3] ?? 32);

const server = await startServer("tally_bench_calls", { port: 3201 });
try {
  const meters = ["minutes", "api_calls", "sms", "storage"];
  for (const m of meters)
    await api(server, "POST", "/api/v1/meters", {
      code: m,
      name: m,
      event_name: m,
      aggregation: "sum",
      property: "value",
    });
  const plan = await api<{ id: string }>(server, "POST", "/api/v1/plans", {
    code: "bench-plan",
    name: "Bench",
    interval: "month",
    charges: [
      {
        type: "usage",
        meter: "minutes",
        model: "graduated",
        tiers: [
          { up_to: 100, unit_price: "0" },
          { up_to: 1000, unit_price: "0.05" },
          { up_to: 10000, unit_price: "0.04" },
          { up_to: null, unit_price: "0.03" },
        ],
      },
      { type: "usage", meter: "api_calls", model: "per_unit", unit_price: "0.01" },
      { type: "usage", meter: "sms", model: "package", package_size: 100, package_price: "1.50" },
      {
        type: "usage",
        meter: "storage",
        model: "volume",
        tiers: [
          { up_to: 10, unit_price: "0.2" },
          { up_to: null, unit_price: "0.1" },
        ],
      },
      { type: "fixed", name: "Platform fee", amount: "10.00" },
    ],
  });
  const customer = await api<{ id: string }>(server, "POST", "/api/v1/customers", { name: "Bench customer" });
  const agent = await api<{ id: string }>(server, "POST", "/api/v1/agents", {
    customer_id: customer.id,
    name: "Bench agent",
    plan_id: plan.id,
  });

  // Calls to finalize, made ahead so the timed phase measures finalize alone.
  const expected = Math.ceil(seconds * 2500);
  const callIds: string[] = [];
  const makeStarted = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (callIds.length < expected)
        callIds.push((await api<{ id: string }>(server, "POST", "/api/v1/calls", { agent_id: agent.id })).id);
    }),
  );
  const startRate = Math.round(callIds.length / ((performance.now() - makeStarted) / 1000));

  let next = 0;
  const result = await closedLoop({
    concurrency,
    seconds,
    request: (_w, i) => {
      const id = callIds[next++ % callIds.length]!;
      return send(`${server.url}/api/v1/calls/${id}/finalize-cost`, {
        method: "POST",
        headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({
          usage_metrics: { minutes: String(50 + (i % 5000)), api_calls: 10, sms: 250, storage: 12 },
        }),
      });
    },
  });
  const finalizedFresh = Math.min(next, callIds.length);
  console.log(
    JSON.stringify({
      bench: "finalize-cost",
      concurrency,
      seconds: result.seconds,
      calls_per_second: result.perSecond,
      p50_ms: result.p50,
      p95_ms: result.p95,
      p99_ms: result.p99,
      max_ms: result.max,
      errors: result.errors,
      error_samples: result.errorSamples,
      fresh_finalizations: finalizedFresh,
      replays: Math.max(0, next - callIds.length),
      start_call_per_second_setup: startRate,
      server_peak_rss_mb: server.peakRssMb(),
    }),
  );
} finally {
  await server.stop();
}
