// Signed Stripe webhook throughput on real Postgres (target ≥ 300 events/s) and the latency of
// acknowledging a duplicate (target p50 < 5 ms). Events are customer.subscription.updated for real
// customers, processed from the event's own object (no Stripe API key: nothing is re-read).
//   npx tsx bench/webhooks.ts [seconds=15] [concurrency=16]
import Stripe from "stripe";
import { closedLoop } from "./lib/load";
import { connect } from "./support/server.mjs";
import { api, send, startServer } from "./lib/server";

const seconds = Number(process.argv[2] ?? 15);
const concurrency = Number(process.argv[3] ?? 16);
const SECRET = "whsec_bench";
const sdk = new Stripe("sk_test_signing_only");

const server = await startServer("tally_bench_webhooks", { port: 3203, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
const sql = connect(server.databaseUrl, { max: 2 });
try {
  const plan = await api<{ id: string }>(server, "POST", "/api/v1/plans", {
    code: "bench-monthly",
    name: "Bench",
    interval: "month",
    base_price: "29.00",
  });
  await sql`update plans set stripe_price_id = 'price_bench' where id = ${plan.id}`;
  const customers: string[] = [];
  for (let i = 0; i < 200; i++) {
    const c = await api<{ id: string }>(server, "POST", "/api/v1/customers", { name: `Bench ${i}` });
    customers.push(c.id);
    await sql`update organizations set stripe_customer_id = ${`cus_bench_${i}`} where id = ${c.id}`;
  }
  const base = Math.floor(Date.now() / 1000) - 3600;
  let n = 0;
  const sent: { payload: string }[] = [];
  const makeEvent = () => {
    const i = n++;
    const c = i % customers.length;
    const start = base + Math.floor(i / customers.length);
    const payload = JSON.stringify({
      id: `evt_bench_${i}`,
      object: "event",
      type: "customer.subscription.updated",
      created: start,
      livemode: false,
      data: {
        object: {
          id: `sub_bench_${c}`,
          object: "subscription",
          customer: `cus_bench_${c}`,
          status: i % 7 === 0 ? "past_due" : "active",
          cancel_at_period_end: false,
          canceled_at: null,
          ended_at: null,
          trial_end: null,
          metadata: {},
          items: {
            data: [
              {
                id: `si_${c}`,
                price: { id: "price_bench" },
                current_period_start: start,
                current_period_end: start + 30 * 86400,
              },
            ],
          },
        },
      },
    });
    sent.push({ payload });
    return payload;
  };
  const post = (payload: string) =>
    send(`${server.url}/api/webhooks/stripe`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      },
      body: payload,
    });

  // Warm-up, then the timed run of new events.
  await closedLoop({ concurrency, seconds: 2, request: () => post(makeEvent()) });
  const fresh = await closedLoop({ concurrency, seconds, request: () => post(makeEvent()) });
  // Duplicates: events already processed, sent again one at a time (latency, not throughput).
  let d = 0;
  const dup = await closedLoop({
    concurrency: 1,
    seconds: Math.min(10, seconds),
    request: () => post(sent[d++ % sent.length]!.payload),
  });
  const [stored] = await sql<
    { n: number; processed: number }[]
  >`select count(*)::int as n, count(*) filter (where status = 'processed')::int as processed from webhook_events`;
  console.log(
    JSON.stringify({
      bench: "webhooks",
      concurrency,
      events_per_second: fresh.perSecond,
      p50_ms: fresh.p50,
      p99_ms: fresh.p99,
      errors: fresh.errors,
      duplicate_ack_p50_ms: dup.p50,
      duplicate_ack_p99_ms: dup.p99,
      duplicates_sent: dup.requests,
      events_stored: stored!.n,
      events_processed: stored!.processed,
      server_peak_rss_mb: server.peakRssMb(),
    }),
  );
} finally {
  await sql.end();
  await server.stop();
}
