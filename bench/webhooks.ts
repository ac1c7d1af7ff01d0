// Signed Stripe webhook throughput on real Postgres (target ≥ 300 events/s) and the latency of
// acknowledging a duplicate (target p50 < 5 ms). Events are customer.subscription.updated for real
// customers; Tally re-reads each subscription from Stripe before applying it (a body alone is never
// applied), here from the test suite's Stripe stand-in, run in this process, whose copy changes
// before each event as Stripe's would.
//   npx tsx bench/webhooks.ts [seconds=15] [concurrency=16]      (BENCH_PORT: the server's port, default 3203)
import Stripe from "stripe";
import { StripeServer } from "../tests/support/stripe-server";
import { closedLoop } from "./lib/load";
import { connect } from "./support/server.mjs";
import { api, send, startServer } from "./lib/server";

const seconds = Number(process.argv[2] ?? 15);
const concurrency = Number(process.argv[3] ?? 16);
const SECRET = "whsec_bench";
const sdk = new Stripe("sk_test_signing_only");

const stripe = await new StripeServer().start();
const server = await startServer("tally_bench_webhooks", {
  port: Number(process.env.BENCH_PORT ?? 3203),
  env: { ...stripe.env(), STRIPE_WEBHOOK_SECRET: SECRET },
});
const sql = connect(server.databaseUrl, { max: 2 });
try {
  const price = stripe.createPrice({
    product: stripe.createProduct({ name: "Bench" }).id,
    unit_amount: 2900,
    recurring: { interval: "month" },
  });
  const plan = await api<{ id: string }>(server, "POST", "/api/v1/plans", {
    code: "bench-monthly",
    name: "Bench",
    interval: "month",
    base_price: "29.00",
  });
  await sql`update plans set stripe_price_id = ${price.id} where id = ${plan.id}`;
  const subscriptionIds: string[] = [];
  for (let i = 0; i < 200; i++) {
    const c = await api<{ id: string }>(server, "POST", "/api/v1/customers", { name: `Bench ${i}` });
    const customer = stripe.put({ id: `cus_bench_${i}`, object: "customer", metadata: { tally_org_id: c.id } });
    await sql`update organizations set stripe_customer_id = ${customer.id} where id = ${c.id}`;
    subscriptionIds.push(stripe.createSubscription({ customer: customer.id, price: price.id }).id);
  }
  // Each new customer queued its Stripe customer: let those jobs finish before anything is timed.
  for (let waited = 0; waited < 30; waited++) {
    const [left] = await sql<
      { n: number }[]
    >`select count(*)::int as n from jobs where status in ('pending', 'running')`;
    if (left!.n === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const base = Math.floor(Date.now() / 1000) - 3600;
  let n = 0;
  const sent: { payload: string }[] = [];
  const makeEvent = () => {
    const i = n++;
    const c = i % subscriptionIds.length;
    const start = base + Math.floor(i / subscriptionIds.length);
    // The subscription changes at Stripe; the event says so, and Tally reads Stripe's copy.
    const sub = stripe.updateSubscription(subscriptionIds[c]!, {
      status: i % 7 === 0 ? "past_due" : "active",
      periodStart: start,
      periodEnd: start + 30 * 86400,
    });
    const payload = JSON.stringify(stripe.event("customer.subscription.updated", sub, start));
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
      stripe_reads: stripe.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/subscriptions/")).length,
      server_peak_rss_mb: server.peakRssMb(),
    }),
  );
} finally {
  await sql.end();
  await server.stop();
  await stripe.stop();
}
