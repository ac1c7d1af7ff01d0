// Three replicas behind HAProxy on one Postgres (scripts/cluster.mjs), every one running the
// background jobs — each at least every 500 ms here, so the replicas' jobs meet as often as they
// can. What a deployment of more than one process must never do: store or count an event twice,
// overdraw credits, process a Stripe event twice, run a job's effect twice, serve a revoked key or a
// changed catalog for more than a second, or lose an acknowledged write when a replica dies.
// Run by `npm test` after the end-to-end journeys (vitest.cluster.config.ts); needs `haproxy` and
// Postgres.
import postgres from "postgres";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_KEY, dropClusterDatabase, startCluster } from "@/scripts/cluster.mjs";
import { StripeServer } from "../support/stripe-server";
import { startReceiver, type Receiver } from "../support/webhook-receiver";

const DATABASE = "tally_cluster_suite";
const WEBHOOK_SECRET = "whsec_cluster_suite";
type Cluster = Awaited<ReturnType<typeof startCluster>>;
let cluster: Cluster;
let sql: postgres.Sql;
let stripe: StripeServer;
let receiver: Receiver;
const run = Date.now().toString(36);

type Answer = { status: number; body: unknown };
async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${CLUSTER_KEY}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed } as Answer;
}
/** Through the load balancer; throws unless the answer is 2xx. */
async function api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const r = await call(cluster.url, method, path, body, headers);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}
const replicaUrls = () => cluster.replicas.filter((r) => r.alive()).map((r) => r.url);
async function waitFor(what: string, ok: () => Promise<boolean>, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const first = <T>(rows: readonly T[]): T => {
  if (rows.length === 0) throw new Error("no row");
  return rows[0]!;
};
const customer = async (name: string) =>
  (await api("POST", "/api/v1/customers", { name, external_id: `${name}-${run}` })) as { id: string };

beforeAll(async () => {
  stripe = await new StripeServer().start();
  receiver = await startReceiver();
  cluster = await startCluster({
    replicas: 3,
    database: DATABASE,
    env: {
      ...stripe.env(),
      PAYMENTS: "stripe",
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      JOBS_MAX_INTERVAL_MS: "500",
      WEBHOOK_ALLOW_PRIVATE_URLS: "true",
    },
  });
  sql = postgres(cluster.databaseUrl, { max: 4, onnotice: () => {} });
  // The library's own readers (credit invariants, API keys) on the cluster's database.
  process.env.DATABASE_URL = cluster.databaseUrl;
}, 300_000);

afterAll(async () => {
  await sql?.end();
  await cluster?.stop();
  await stripe?.stop();
  await receiver?.close();
  await dropClusterDatabase(DATABASE);
}, 60_000);

describe("three replicas behind a load balancer", () => {
  it("stores and counts an event sent to all three replicas at once exactly once", async () => {
    await api("POST", "/api/v1/meters", {
      code: `calls_${run}`,
      name: "Cluster calls",
      event_name: `cluster_call_${run}`,
      aggregation: "count",
    });
    const c = await customer("same-event");
    const ids = Array.from({ length: 25 }, (_, i) => `same-${run}-${i}`);
    const answers = await Promise.all(
      ids.flatMap((id) =>
        replicaUrls().map((url) =>
          call(url, "POST", "/api/v1/events", {
            event_id: id,
            event_name: `cluster_call_${run}`,
            external_customer_id: `same-event-${run}`,
          }),
        ),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 202)).toEqual([]);
    const { n } = first(await sql<{ n: number }[]>`select count(*)::int as n from usage_events where org_id = ${c.id}`);
    expect(n).toBe(25);
    // Counted once: the meter's rollups add up to the 25 stored events.
    const { total } = first(
      await sql<{ total: string }[]>`
      select coalesce(sum(r.event_count), 0)::text as total from usage_rollups r join meters m on m.id = r.meter_id
       where r.org_id = ${c.id} and m.code = ${`calls_${run}`}`,
    );
    expect(total).toBe("25");
  });

  it("spends one customer's credits from three replicas at once without overdrawing, and alerts once per crossing", async () => {
    await api("POST", "/api/v1/credit-events", { code: `spend_${run}`, name: "Spend", credits: 1 });
    const c = await customer("spender");
    await api("PATCH", "/api/v1/credits/settings", { customer_id: c.id, low_balance_threshold: 40 });
    await api(
      "POST",
      "/api/v1/credits/grants",
      { customer_id: c.id, amount: 100, source: "purchased", reason: "cluster" },
      { "idempotency-key": `grant-${run}` },
    );
    const urls = replicaUrls();
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        call(
          urls[i % urls.length]!,
          "POST",
          "/api/v1/credits/consume",
          { customer_id: c.id, event_name: `spend_${run}`, quantity: 1 },
          { "idempotency-key": `spend-${run}-${i}` },
        ),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 402)).toHaveLength(50);
    const { balance } = first(
      await sql<{ balance: string }[]>`
      select balance::text from credit_balances where org_id = ${c.id}`,
    );
    expect(balance).toBe("0");
    const { checkCreditInvariants } = await import("@/lib/credits/invariants");
    expect(await checkCreditInvariants({ orgIds: [c.id] })).toEqual([]);
    const alerts = await sql<{ kind: string }[]>`select kind from alerts where org_id = ${c.id} order by kind`;
    expect(alerts.map((a) => a.kind)).toEqual(["credits_depleted", "low_credit_balance"]);
  });

  it("processes a Stripe webhook delivered to two replicas at once once", async () => {
    const price = stripe.createPrice({
      product: stripe.createProduct({ name: "Cluster" }).id,
      unit_amount: 2900,
      recurring: { interval: "month" },
    });
    const plan = (await api("POST", "/api/v1/plans", {
      code: `cluster-${run}`,
      name: "Cluster",
      interval: "month",
      base_price: "29.00",
    })) as { id: string };
    await sql`update plans set stripe_price_id = ${price.id} where id = ${plan.id}`;
    const c = await customer("stripe-hook");
    const stripeCustomer = stripe.put({
      id: `cus_cluster_${run}`,
      object: "customer",
      metadata: { tally_org_id: c.id },
    });
    await sql`update organizations set stripe_customer_id = ${stripeCustomer.id} where id = ${c.id}`;
    const sub = stripe.createSubscription({ customer: stripeCustomer.id, price: price.id });
    const payload = JSON.stringify(stripe.event("customer.subscription.updated", sub, Math.floor(Date.now() / 1000)));
    const sdk = new Stripe("sk_test_signing_only");
    const [a, b] = cluster.replicas;
    const answers = await Promise.all(
      [a!, b!].map((r) =>
        fetch(`${r.url}/api/webhooks/stripe`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "stripe-signature": sdk.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
          },
          body: payload,
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const eventId = JSON.parse(payload).id as string;
    await waitFor("the event processed", async () => {
      const [row] = await sql<{ status: string }[]>`select status from webhook_events where id = ${eventId}`;
      return row?.status === "processed";
    });
    const { events } = first(
      await sql<{ events: number }[]>`select count(*)::int as events from webhook_events where id = ${eventId}`,
    );
    expect(events).toBe(1);
    const subs = await sql<{ id: string }[]>`select id from subscriptions where stripe_subscription_id = ${sub.id}`;
    expect(subs).toHaveLength(1);
    // Its consequence told once: one subscription.created message for the customer.
    const { messages } = first(
      await sql<{ messages: number }[]>`
      select count(*)::int as messages from webhook_messages where org_id = ${c.id} and type like 'subscription.%'`,
    );
    expect(messages).toBe(1);
  });

  it("runs each job's effect once across replicas: every outbound message delivered once, every grant expired once", async () => {
    receiver.received.length = 0;
    await api("POST", "/api/v1/webhook-endpoints", { url: receiver.url, event_types: ["credits.granted"] });
    const c = await customer("jobs");
    const expiresAt = new Date(Date.now() + 8_000).toISOString();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api(
          "POST",
          "/api/v1/credits/grants",
          { customer_id: c.id, amount: 10, source: "promotional", reason: "cluster", expires_at: expiresAt },
          { "idempotency-key": `expiring-${run}-${i}` },
        ),
      ),
    );
    const idsOf = () => receiver.received.map((r) => r.headers["webhook-id"]);
    await waitFor("12 deliveries", async () => new Set(idsOf()).size >= 12);
    await waitFor("every grant expired", async () => {
      const { n } = first(
        await sql<
          { n: number }[]
        >`select count(*)::int as n from credit_ledger where org_id = ${c.id} and kind = 'expire'`,
      );
      return n >= 12;
    });
    // Three replicas' jobs keep running every 500 ms: nothing more may happen.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(idsOf()).toHaveLength(12);
    expect(new Set(idsOf()).size).toBe(12);
    const { n } = first(
      await sql<
        { n: number }[]
      >`select count(*)::int as n from credit_ledger where org_id = ${c.id} and kind = 'expire'`,
    );
    expect(n).toBe(12);
    const { checkCreditInvariants } = await import("@/lib/credits/invariants");
    expect(await checkCreditInvariants({ orgIds: [c.id] })).toEqual([]);
  });

  it("closes a due period once across replicas: one renewal, one invoice with the period's usage, one allocation", async () => {
    const meter = `period_calls_${run}`;
    await api("POST", "/api/v1/meters", { code: meter, name: "Period calls", event_name: meter, aggregation: "count" });
    const plan = (await api("POST", "/api/v1/plans", {
      code: `periods-${run}`,
      name: "Periods",
      interval: "month",
      base_price: "10.00",
      included_credits: 100,
      charges: [{ type: "usage", meter, model: "per_unit", unit_price: "0.50" }],
    })) as { id: string };
    const c = await customer("periods");
    const sub = (await api("POST", "/api/v1/subscriptions", {
      customer_id: c.id,
      plan: plan.id,
      skip_trial: true,
    })) as { id: string };
    // The period started a month ago and ends in 3 s; four calls fall inside it, two hours ago (usage is
    // read by whole hours: what happens in the hour a period ends in belongs to the next).
    await sql`
      update subscriptions set billing_anchor = now() + interval '3 seconds' - interval '1 month',
             current_period_start = now() + interval '3 seconds' - interval '1 month',
             current_period_end = now() + interval '3 seconds'
       where id = ${sub.id}`;
    for (let i = 0; i < 4; i++)
      await api("POST", "/api/v1/events", {
        event_id: `period-${run}-${i}`,
        event_name: meter,
        timestamp: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        external_customer_id: `periods-${run}`,
      });
    const { ended } = first(
      await sql<{ ended: Date }[]>`select current_period_end as ended from subscriptions where id = ${sub.id}`,
    );
    const invoicesBefore = (await sql`select id from invoices where subscription_id = ${sub.id}`).length;

    await waitFor("the period closed", async () => {
      const [row] = await sql<
        { start: Date }[]
      >`select current_period_start as start from subscriptions where id = ${sub.id}`;
      return row!.start.getTime() === ended.getTime();
    });
    // Three replicas' rollover jobs keep running every 500 ms: nothing more may happen.
    await new Promise((r) => setTimeout(r, 2_000));
    const [moved] = await sql<
      { start: Date }[]
    >`select current_period_start as start from subscriptions where id = ${sub.id}`;
    expect(moved!.start.getTime()).toBe(ended.getTime());
    const renewals = await sql`
      select id from subscription_history where subscription_id = ${sub.id} and action = 'renewed'`;
    expect(renewals).toHaveLength(1);
    const invoices = await sql<{ id: string }[]>`
      select id from invoices where subscription_id = ${sub.id} order by issued_at`;
    expect(invoices).toHaveLength(invoicesBefore + 1);
    const usage = await sql<{ quantity: string; amount_cents: string }[]>`
      select quantity::text, amount_cents::text from invoice_lines
       where invoice_id = ${invoices.at(-1)!.id} and kind = 'usage'`;
    expect(usage.map((l) => [Number(l.quantity), Number(l.amount_cents)])).toEqual([[4, 200]]);
    // The new period's credits allocated once.
    const grants = await sql`
      select id from credit_grants where org_id = ${c.id} and origin = 'allocation' and created_at >= ${ended}`;
    expect(grants).toHaveLength(1);
    const { checkCreditInvariants } = await import("@/lib/credits/invariants");
    expect(await checkCreditInvariants({ orgIds: [c.id] })).toEqual([]);
  });

  it("stops honouring a revoked key, and sees a catalog change, on every replica within a second", async () => {
    const c = await customer("revoked");
    const { createApiKey, revokeApiKey } = await import("@/lib/auth/api-keys");
    const made = await createApiKey({ orgId: c.id, scope: "customer", name: "to revoke", createdByUserId: null });
    const key = made.key;
    // Every replica has the key in its cache.
    for (const url of replicaUrls())
      expect((await call(url, "GET", "/api/v1/credits", undefined, { authorization: `Bearer ${key}` })).status).toBe(
        200,
      );
    const revokedAt = Date.now();
    await revokeApiKey(c.id, made.apiKey.id);
    const seen = await Promise.all(
      replicaUrls().map(async (url) => {
        for (;;) {
          const r = await call(url, "GET", "/api/v1/credits", undefined, { authorization: `Bearer ${key}` });
          if (r.status === 401) return Date.now() - revokedAt;
          if (Date.now() - revokedAt > 5_000) return Infinity;
        }
      }),
    );
    console.log(`revoked key refused by each replica after ${seen.join(", ")} ms`);
    for (const ms of seen) expect(ms).toBeLessThan(1_000);

    // A meter archived through one replica: events for it are refused by every replica.
    const meterEvent = `archived_${run}`;
    await api("POST", "/api/v1/meters", {
      code: `arch_${run}`,
      name: "To archive",
      event_name: meterEvent,
      aggregation: "count",
    });
    const send = (url: string, i: number) =>
      call(url, "POST", "/api/v1/events", {
        event_id: `arch-${run}-${i}-${url}`,
        event_name: meterEvent,
        external_customer_id: `revoked-${run}`,
      });
    for (const url of replicaUrls()) expect((await send(url, 0)).status).toBe(202);
    const first = cluster.replicas[0]!;
    expect((await call(first.url, "PATCH", `/api/v1/meters/arch_${run}`, { archived: true })).status).toBe(200);
    const archivedAt = Date.now(); // the change is committed when its answer arrives
    let i = 1;
    const refused = await Promise.all(
      replicaUrls().map(async (url) => {
        for (;;) {
          const r = await send(url, i++);
          if (r.status === 422 || r.status === 400) return Date.now() - archivedAt;
          if (Date.now() - archivedAt > 8_000) return Infinity;
        }
      }),
    );
    console.log(`archived meter refused by each replica after ${refused.join(", ")} ms`);
    for (const ms of refused) expect(ms).toBeLessThan(1_000);
  });

  it("loses no acknowledged event when a replica is killed mid-load, and routes around it", async () => {
    await api("POST", "/api/v1/meters", {
      code: `load_${run}`,
      name: "Under load",
      event_name: `load_${run}`,
      aggregation: "count",
    });
    const c = await customer("load");
    const acked: string[] = [];
    const outcomes: { at: number; status: number }[] = [];
    let n = 0;
    const start = Date.now();
    const victim = cluster.replicas[2]!;
    let killedAt = 0;
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      killedAt = Date.now();
      await victim.kill("SIGKILL");
    })();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() - start < 5_000) {
          const id = `load-${run}-${n++}`;
          const r = await call(cluster.url, "POST", "/api/v1/events/bulk", {
            events: [{ event_id: id, event_name: `load_${run}`, external_customer_id: `load-${run}` }],
          }).catch(() => ({ status: 0, body: null }) as Answer);
          outcomes.push({ at: Date.now(), status: r.status });
          if (r.status === 202) acked.push(id);
        }
      }),
    );
    await killer;
    const stored = new Set(
      (await sql<{ event_id: string }[]>`select event_id from usage_events where org_id = ${c.id}`).map(
        (r) => r.event_id,
      ),
    );
    const lost = acked.filter((id) => !stored.has(id));
    console.log(
      `${acked.length} events acknowledged, ${lost.length} lost; ${outcomes.filter((o) => o.status !== 202).length} requests failed, all within ${Math.max(
        0,
        ...outcomes.filter((o) => o.status !== 202).map((o) => o.at - killedAt),
      )} ms of the kill`,
    );
    expect(lost).toEqual([]);
    expect(acked.length).toBeGreaterThan(100);
    // Once HAProxy's checks took the dead replica out (two failed checks, 300 ms apart), every request succeeds.
    expect(outcomes.filter((o) => o.at > killedAt + 2_000 && o.status !== 202)).toEqual([]);
  });
});
