// Fault suite, part 4 (issue 15): a Stripe outage. Not part of `npm test` (it runs for about three
// minutes; tests/stripe-outage.test.ts is the quick version); its figures go to docs/reliability.md.
//
// It creates a database of its own on the shared Postgres (127.0.0.1:5432, dropped afterwards),
// starts the production build (`npm run build` first) on it with STRIPE_* pointing at a
// Stripe-shaped server this script runs (tests/support/stripe-server.ts, loaded through tsx), and
// sets up Stripe customers with subscriptions and usage. Then, under load through the API:
//   before  — Stripe answers;
//   5xx     — every Stripe call answers 503 (the renewal of every subscription arrives as it starts,
//             so the closed periods' usage lines are queued when Stripe stops answering);
//   dark    — Stripe refuses connections (the port is closed) for 60 s;
//   after   — Stripe is back; the load goes on, and the script waits for the outbox to drain (it
//             reports how long after Stripe's return nothing was due any more).
// The load is requests that never need Stripe (credit spends, ingestion, usage and entitlement
// reads, billing reads, a page) and requests that do (new customers, whose Stripe customer the
// outbox creates; credit-pack checkouts, which answer 503 provider_unavailable while Stripe is
// down). It checks that the first kind kept answering 2xx, not much slower; that checkouts got 503,
// never 500; that the outbox drained; and that Stripe holds exactly one customer per organization
// and one invoice item per Tally line. It prints the figures as JSON and exits 1 when a check
// fails. Traffic goes to 127.0.0.1 only.
//
//   node scripts/fault-stripe-outage.mjs [--before 10] [--fail 15] [--dark 60] [--after 10]
//     [--clients 8] [--customers 6] [--port 3251] [--drain 180] [--keep]
import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import Stripe from "stripe";
import { register } from "tsx/esm/api";
import {
  count,
  now,
  parseOptions,
  report,
  request,
  requireBuild,
  run,
  say,
  serverEnv,
  sleep,
  startServer,
  stopServer,
} from "./fault/harness.mjs";

const defaults = {
  before: 10,
  fail: 15,
  dark: 60,
  after: 10,
  clients: 8,
  customers: 6,
  port: 3251,
  drain: 180,
  keep: "false",
};
const o = parseOptions(defaults);

const KEY = "tly_live_fault_stripe_outage_key_00000000000";
const WEBHOOK_SECRET = "whsec_fault_stripe_outage";
const sec = (ms) => Math.floor(ms / 1000);

requireBuild();

// The test suite's Stripe stand-in, in this process: the script switches its faults on and off and
// counts what it holds.
register();
const { StripeServer } = await import("../tests/support/stripe-server.ts");
const stripe = new StripeServer();
const signer = new Stripe("sk_test_signing_only");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-fault-stripe-"));
const dbName = `tally_fault_stripe_${randomBytes(4).toString("hex")}`;
const adminUrl = "postgres://postgres@127.0.0.1:5432/postgres";
const databaseUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;

// ---- HTTP ----------------------------------------------------------------------------------------

/** One request with a deadline: `{ status, json, ms }`, status "timeout" or "network" when there is no answer. */
function send(method, p, { body, key = KEY, headers = {}, raw, timeoutMs = 20_000 } = {}) {
  return request(`http://127.0.0.1:${o.port}${p}`, {
    method,
    data: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    headers: { ...(key && { authorization: `Bearer ${key}` }), ...headers },
    timeoutMs,
  });
}

async function must(method, p, opts, want) {
  const r = await send(method, p, opts);
  if (r.status !== want) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** A webhook as Stripe sends it, signed with the installation's secret. */
function deliver(event) {
  const payload = JSON.stringify(event);
  return send("POST", "/api/webhooks/stripe", {
    key: null,
    raw: payload,
    headers: {
      "content-type": "application/json",
      "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
  });
}

// ---- the app -------------------------------------------------------------------------------------

let child = null;
const logFile = path.join(dir, "tally.log");

async function startApp() {
  child = await startServer({
    port: o.port,
    logFile,
    name: "Tally",
    env: serverEnv({
      port: o.port,
      databaseUrl,
      key: KEY,
      jobs: true,
      extra: { ...stripe.env(), STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    }),
  });
}

async function stopAll() {
  await stopServer(child);
  await stripe.stop().catch(() => {});
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch((e) => say(`drop database: ${e.message}`));
  await admin.end();
  if (o.keep !== "true") fs.rmSync(dir, { recursive: true, force: true });
  else say(`kept ${dir}`);
}

// ---- the load ------------------------------------------------------------------------------------

const phase = { name: "setup" };
const attempts = []; // { kind, phase, status, ms, stripe: boolean }
const p99 = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)].toFixed(1);
};

/** The requests that never need Stripe, in turn. */
function localKinds(c) {
  return [
    [
      "consume",
      () =>
        send("POST", "/api/v1/credits/consume", {
          body: { customer_id: c.id, event_name: "outage_call", quantity: 1 },
          headers: { "idempotency-key": randomUUID() },
        }),
    ],
    [
      "ingest",
      () =>
        send("POST", "/api/v1/events", {
          body: {
            event_name: "outage_minutes",
            customer_id: c.id,
            event_id: `e-${randomUUID()}`,
            properties: { minutes: 1 },
          },
        }),
    ],
    ["usage_summary", () => send("GET", `/api/v1/customers/${c.id}/usage-summary`)],
    ["entitlements", () => send("GET", "/api/v1/entitlements/outage_minutes", { key: c.key })],
    ["billing_usage", () => send("GET", "/api/v1/billing/usage", { key: c.key })],
    ["billing_subscription", () => send("GET", "/api/v1/billing/subscription", { key: c.key })],
    ["billing_invoices", () => send("GET", "/api/v1/billing/invoices", { key: c.key })],
    ["upcoming_invoice", () => send("GET", "/api/v1/billing/upcoming-invoice", { key: c.key })],
    ["page_sign_in", () => send("GET", "/sign-in", { key: null })],
  ];
}

async function localClient(i, customers, until) {
  let n = i;
  while (phase.name !== "done" && now() < until()) {
    const c = customers[n % customers.length];
    const kinds = localKinds(c);
    const [kind, f] = kinds[n % kinds.length];
    const at = phase.name;
    const r = await f();
    attempts.push({ kind, phase: at, phaseEnd: phase.name, status: r.status, ms: r.ms, stripe: false });
    n++;
  }
}

const newOrgs = [];
/** What needs Stripe: a new customer (its Stripe customer is queued) and a credit-pack checkout, about once a second. */
async function stripeClient(customers, packId, until) {
  let n = 0;
  while (phase.name !== "done" && now() < until()) {
    const at = phase.name;
    const created = await send("POST", "/api/v1/customers", {
      body: { name: `Outage ${n}`, external_id: `outage-new-${n}-${randomUUID().slice(0, 6)}` },
    });
    attempts.push({
      kind: "create_customer",
      phase: at,
      phaseEnd: phase.name,
      status: created.status,
      ms: created.ms,
      stripe: true,
    });
    if (created.status === 201) newOrgs.push(created.json.id);
    // Every other checkout is the new customer's: its Stripe customer may not exist yet.
    const c =
      n % 2 === 1 && created.status === 201
        ? { id: created.json.id, key: await customerKeyFor(created.json.id) }
        : customers[n % customers.length];
    const coPhase = phase.name;
    const co = await send("POST", "/api/v1/billing/checkout", { key: c.key, body: { credit_product_id: packId } });
    attempts.push({
      kind: "checkout",
      phase: coPhase,
      phaseEnd: phase.name,
      status: co.status,
      ms: co.ms,
      code: co.json?.error?.code ?? null,
      newCustomer: c !== customers[n % customers.length],
      stripe: true,
    });
    n++;
    await sleep(1000);
  }
}

/** A customer API key, written as lib/auth/api-keys.ts stores one (there is no API for it: keys are made in the UI). */
let keySql = null;
async function customerKeyFor(orgId) {
  const key = `tly_live_${randomBytes(24).toString("hex")}`;
  await keySql`insert into api_keys (id, org_id, scope, name, prefix, key_hash) values (${`key_${randomUUID().replace(/-/g, "")}`}, ${orgId}, 'customer', 'fault suite', ${key.slice(0, 15)}, ${createHash("sha256").update(key).digest("hex")})`;
  return key;
}

// ---- main ----------------------------------------------------------------------------------------

async function main() {
  await stripe.start();
  say(`Stripe stand-in on 127.0.0.1:${stripe.port}; database ${dbName}`);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  await startApp();
  say(`Tally up on 127.0.0.1:${o.port}`);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  keySql = sql;

  // The catalog: a Stripe price synced into a plan that charges minutes, a credit event and a pack.
  const product = stripe.createProduct({ name: "Outage Starter" });
  const price = stripe.createPrice({ product: product.id, unit_amount: 2900, recurring: { interval: "month" } });
  await must(
    "POST",
    "/api/v1/meters",
    {
      body: {
        code: "outage_minutes",
        name: "Outage minutes",
        event_name: "outage_minutes",
        aggregation: "sum",
        property: "minutes",
      },
    },
    201,
  );
  await must("POST", "/api/v1/plans/sync", {}, 200);
  await sql`update plans set charges = ${sql.json([{ type: "usage", meter: "outage_minutes", model: "per_unit", unit_price: "0.035" }])} where stripe_price_id = ${price.id}`;
  await must("POST", "/api/v1/credit-events", { body: { code: "outage_call", name: "Outage call", credits: 1 } }, 201);
  const pack = await must(
    "POST",
    "/api/v1/credit-products",
    { body: { code: "outage_pack", name: "Outage pack", credits: 100, price: "5.00", currency: "usd" } },
    201,
  );

  // Customers with a Stripe customer (made by the outbox), a subscription since ten days ago, a
  // customer key, credits and usage in the period.
  const customers = [];
  const periodStart = Date.now() - 10 * 86_400_000;
  const periodEnd = periodStart + 30 * 86_400_000;
  for (let i = 0; i < o.customers; i++) {
    const c = await must(
      "POST",
      "/api/v1/customers",
      { body: { name: `Outage ${i}`, external_id: `outage-${i}` } },
      201,
    );
    const key = await customerKeyFor(c.id);
    await must(
      "POST",
      "/api/v1/credits/grants",
      {
        body: {
          customer_id: c.id,
          amount: 1_000_000_000,
          source: "purchased",
          reason: "fault suite",
          idempotency_key: `outage-grant-${i}`,
        },
      },
      201,
    );
    customers.push({ id: c.id, key });
  }
  for (const c of customers) {
    for (let t = now(); ; await sleep(200)) {
      const [row] = await sql`select stripe_customer_id from organizations where id = ${c.id}`;
      if (row?.stripe_customer_id) {
        c.stripeCustomerId = row.stripe_customer_id;
        break;
      }
      if (now() - t > 30_000) throw new Error(`no Stripe customer for ${c.id} in 30 s`);
    }
    const s = stripe.createSubscription({
      customer: c.stripeCustomerId,
      price: price.id,
      periodStart: sec(periodStart),
      periodEnd: sec(periodEnd),
    });
    c.stripeSubId = s.id;
    const r = await deliver(stripe.event("customer.subscription.created", s));
    if (r.status !== 200) throw new Error(`subscription webhook: ${r.status} ${JSON.stringify(r.json)}`);
    await must(
      "POST",
      "/api/v1/events",
      {
        body: {
          event_name: "outage_minutes",
          customer_id: c.id,
          event_id: `setup-${c.id}`,
          timestamp: new Date(Date.now() - 2 * 3_600_000).toISOString(),
          properties: { minutes: 40 },
        },
      },
      202,
    );
  }
  say(`${customers.length} customers subscribed at Stripe; load: ${o.clients} local clients and 1 Stripe client`);

  // The outbox's depth: jobs due now (a job scheduled for later, such as the check two hours after a
  // renewal for a missed invoice.created, is not backlog).
  const depth = async () =>
    (
      await sql`select count(*)::int as n from jobs where status in ('pending', 'running') and run_at <= now() + interval '5 minutes'`
    )[0].n;
  const outboxDepth = { before_outage: await depth() };

  const loadEnds = { at: Infinity };
  const until = () => loadEnds.at;
  // Five seconds of load first, not counted by phase: the server's first requests (compiling, warming
  // caches) would otherwise be what "before" measures.
  phase.name = "warmup";
  const load = Promise.all([
    ...Array.from({ length: o.clients }, (_, i) => localClient(i, customers, until)),
    stripeClient(customers, pack.id, until),
  ]);
  await sleep(5000);
  phase.name = "before";
  await sleep(o.before * 1000);

  // Stripe renews every subscription (a draft for the period that ended) and tells Tally as it
  // starts failing: the closed periods' usage lines are queued for a Stripe that does not answer.
  const renewals = [];
  for (const c of customers) {
    const r = stripe.renewSubscription(c.stripeSubId);
    renewals.push(r.invoice.id);
    await deliver(stripe.event("customer.subscription.updated", r.subscription));
  }
  // Tally confirms each renewal by reading it back (those reads still answer); every other call fails.
  phase.name = "5xx";
  stripe.failAll(503, { except: /^GET \/v1\/(invoices|subscriptions)\// });
  const renewalAnswers = [];
  for (const id of renewals)
    renewalAnswers.push((await deliver(stripe.event("invoice.created", stripe.objects.get(id)))).status);
  stripe.failAll(503);
  phase.name = "5xx";
  say("Stripe answers 503 to everything");
  const webhookDuringOutage = [];
  await sleep((o.fail * 1000) / 2);
  webhookDuringOutage.push(
    (await deliver(stripe.event("customer.subscription.updated", stripe.objects.get(customers[0].stripeSubId)))).status,
  );
  await sleep((o.fail * 1000) / 2);

  await stripe.goDark();
  phase.name = "dark";
  say(`Stripe refuses connections for ${o.dark} s`);
  const depthsDuring = [];
  for (let s = 0; s < o.dark; s += 5) {
    await sleep(Math.min(5, o.dark - s) * 1000);
    depthsDuring.push(await depth());
    if (s === 30)
      webhookDuringOutage.push(
        (await deliver(stripe.event("customer.subscription.updated", stripe.objects.get(customers[0].stripeSubId))))
          .status,
      );
  }
  outboxDepth.end_of_outage = await depth();
  outboxDepth.max_during_outage = Math.max(outboxDepth.end_of_outage, ...depthsDuring);

  stripe.failAll(null);
  await stripe.comeBack();
  phase.name = "after";
  say("Stripe answers again");
  // How long until nothing is due any more, counted from Stripe's return (the load goes on meanwhile).
  const recoveredAt = now();
  const emptyAfterRecovery = (async () => {
    for (;;) {
      if ((await depth()) === 0) return +((now() - recoveredAt) / 1000).toFixed(1);
      if (now() - recoveredAt > (o.after + o.drain) * 1000) return null;
      await sleep(250);
    }
  })();
  await sleep(o.after * 1000);
  loadEnds.at = now();
  await load;
  phase.name = "done";
  say(`load over: ${attempts.length} requests; waiting for the outbox to drain (at most ${o.drain} s)`);

  const drainStarted = now();
  let left = await depth();
  while (left > 0 && now() - drainStarted < o.drain * 1000) {
    await sleep(1000);
    left = await depth();
  }
  outboxDepth.after_drain = left;
  outboxDepth.drain_s = +((now() - drainStarted) / 1000).toFixed(1);
  outboxDepth.empty_after_recovery_s = await emptyAfterRecovery;
  const [{ failed }] = await sql`select count(*)::int as failed from jobs where status = 'failed'`;
  outboxDepth.failed_jobs = failed;
  outboxDepth.scheduled_later = count(
    (await sql`select kind from jobs where status = 'pending' and run_at > now() + interval '5 minutes'`).map(
      (r) => r.kind,
    ),
  );
  outboxDepth.done_by_kind = count((await sql`select kind from jobs where status = 'done'`).map((r) => r.kind));

  // What Stripe holds.
  const orgs =
    await sql`select id, stripe_customer_id from organizations where id = any(${[...customers.map((c) => c.id), ...newOrgs]})`;
  const customersAtStripe = (orgId) => stripe.list("customer", (c) => c.metadata?.tally_org_id === orgId);
  const withoutStripeCustomer = orgs.filter((r) => !r.stripe_customer_id).length;
  const mismatched = orgs.filter(
    (r) =>
      r.stripe_customer_id &&
      (customersAtStripe(r.id).length !== 1 || customersAtStripe(r.id)[0].id !== r.stripe_customer_id),
  ).length;
  const periods = await sql`select id, status, total_cents, stripe_invoice_id, lines from period_billings`;
  const linesToBill = periods.flatMap((p) => p.lines.filter((l) => l.amountCents > 0).map((l) => l.id));
  const itemsByLine = count(stripe.list("invoiceitem").map((i) => i.metadata?.tally_line_id));
  const linesMissing = linesToBill.filter((id) => !itemsByLine[id]).length;
  const duplicates = {
    customers: Object.keys(stripe.duplicatesBy("customer", "tally_org_id")).length,
    invoice_items: Object.keys(stripe.duplicatesBy("invoiceitem", "tally_line_id")).length,
  };
  await sql.end();

  // The figures.
  // During the outage: started and answered while Stripe was failing (a request across a phase
  // boundary counts in its starting phase, but not as during the outage).
  const outagePhase = (p) => p === "5xx" || p === "dark";
  const during = (x) => outagePhase(x.phase) && outagePhase(x.phaseEnd);
  const local = attempts.filter((x) => !x.stripe);
  const latency = Object.fromEntries(
    ["before", "5xx", "dark", "after"].map((ph) => [
      ph,
      {
        requests: local.filter((x) => x.phase === ph).length,
        p50_ms: null,
        p99_ms: p99(local.filter((x) => x.phase === ph && typeof x.status === "number").map((x) => x.ms)),
      },
    ]),
  );
  for (const ph of Object.keys(latency)) {
    const xs = local
      .filter((x) => x.phase === ph && typeof x.status === "number")
      .map((x) => x.ms)
      .sort((a, b) => a - b);
    latency[ph].p50_ms = xs.length ? +xs[Math.floor(xs.length / 2)].toFixed(1) : null;
  }
  const byPhase = (xs) =>
    Object.fromEntries(
      ["before", "5xx", "dark", "after"].map((ph) => [
        ph,
        count(xs.filter((x) => x.phase === ph).map((x) => String(x.status))),
      ]),
    );
  const logText = fs.readFileSync(logFile, "utf8");
  const logCount = (s) => logText.split(s).length - 1;
  const figures = {
    command: `node scripts/fault-stripe-outage.mjs ${process.argv.slice(2).join(" ")}`.trim(),
    settings: {
      before_s: o.before,
      fail_503_s: o.fail,
      refused_s: o.dark,
      after_s: o.after,
      local_clients: o.clients,
      subscribed_customers: o.customers,
    },
    requests_tried: attempts.length,
    not_needing_stripe: {
      requests: local.length,
      by_phase: byPhase(local),
      non_2xx_during_outage: local.filter((x) => during(x) && !(typeof x.status === "number" && x.status < 300)).length,
      by_kind_during_outage: count(local.filter(during).map((x) => `${x.kind} ${x.status}`)),
    },
    latency_not_needing_stripe: latency,
    needing_stripe: {
      create_customer: byPhase(attempts.filter((x) => x.kind === "create_customer")),
      checkout: byPhase(attempts.filter((x) => x.kind === "checkout")),
      checkout_by_new_customer_during_outage: count(
        attempts.filter((x) => x.kind === "checkout" && x.newCustomer && during(x)).map((x) => String(x.status)),
      ),
      checkout_during_outage_codes: count(
        attempts.filter((x) => x.kind === "checkout" && during(x)).map((x) => `${x.status} ${x.code ?? ""}`.trim()),
      ),
      checkout_p99_ms_during_outage: p99(attempts.filter((x) => x.kind === "checkout" && during(x)).map((x) => x.ms)),
      renewal_webhooks: count(renewalAnswers.map(String)),
      webhooks_during_outage: count(webhookDuringOutage.map(String)),
    },
    outbox: outboxDepth,
    at_stripe: {
      organizations: orgs.length,
      without_stripe_customer: withoutStripeCustomer,
      customer_mismatch: mismatched,
      periods: count(periods.map((p) => p.status)),
      lines_to_bill: linesToBill.length,
      lines_missing: linesMissing,
      duplicates,
    },
    log: {
      unhandled_error: logCount("unhandled error"),
      error_lines: logCount('"level":"error"'),
      outbox_retries: logCount("outbox job will be retried"),
    },
  };
  const failures = [];
  if (figures.not_needing_stripe.non_2xx_during_outage)
    failures.push("requests that do not need Stripe failed during the outage");
  const outageChecks = attempts.filter((x) => x.kind === "checkout" && during(x));
  if (outageChecks.some((x) => x.status !== 503 || x.code !== "provider_unavailable"))
    failures.push("a checkout during the outage got something else than 503 provider_unavailable");
  if (attempts.some((x) => x.kind === "create_customer" && x.status !== 201))
    failures.push("a customer creation failed");
  if (!attempts.some((x) => x.phase === "after" && x.kind === "checkout" && x.status === 201))
    failures.push("checkout did not work again after the outage");
  if (attempts.some((x) => typeof x.status !== "number" || x.status === 500))
    failures.push("a 500 or a request without an answer");
  if (webhookDuringOutage.some((s) => s !== 503))
    failures.push("a webhook during the outage got something else than 503");
  if (left > 0 || failed > 0) failures.push("the outbox did not drain");
  if (withoutStripeCustomer || mismatched) failures.push("an organization without exactly its one Stripe customer");
  if (linesMissing) failures.push("usage lines not at Stripe");
  if (duplicates.customers || duplicates.invoice_items) failures.push("duplicates at Stripe");
  if (figures.log.unhandled_error) failures.push("unhandled errors in the log");
  return report(figures, failures);
}

await run(main, { cleanup: stopAll, hardStopMs: 10 * 60_000 });
