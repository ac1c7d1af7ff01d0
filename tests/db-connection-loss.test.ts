// Connections lost mid-write (issue 15): a Postgres restart once left a replica whose credit spends
// never answered again. Here the pool's backends are terminated from a separate admin connection
// while concurrent spends and events are in flight (Postgres only: PGlite has no connections to
// lose). Every caller must get an answer (a success or a 503, within a bound), every path must
// serve again afterwards, nothing acknowledged may be lost or applied twice, and a retry with the
// same key must answer as the first time.
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as consume from "@/app/api/v1/credits/consume/route";
import * as single from "@/app/api/v1/events/route";
import * as health from "@/app/api/health/route";
import * as webhook from "@/app/api/webhooks/stripe/route";
import { insertCreditEvent } from "@/lib/catalog/seed-catalog";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { closeDatabase, db, driver, installDatabase, installedDatabase, openPostgres, rows } from "@/lib/db/client";
import { webhookEvents } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { route } from "@/lib/http/route";
import { processStoredEvent } from "@/lib/webhooks/receive";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";

const onPostgres = process.env.TEST_DB === "postgres";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `p`, or rejects if it has not settled within `ms`: a hang fails the test instead of stalling it. */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
    ),
  ]);
}

let admin: postgres.Sql;

const WEBHOOK_SECRET = "whsec_connection_loss";
const signer = new Stripe("sk_test_signing_only");

/** A signed Stripe delivery to the webhook route (no STRIPE_SECRET_KEY: a handled event is refused as unverifiable, once the database has it). */
async function deliver(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const res = await webhook.POST(
    new Request("http://tally.test/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body: payload,
    }),
  );
  return {
    status: res.status,
    json: (await res.json()) as { duplicate?: boolean; event_id?: string; error?: { code: string } },
    retryAfter: res.headers.get("retry-after"),
  };
}

/** A Stripe subscription that has already ended: each event makes one new row, never the customer's one live subscription. */
function endedSubscriptionEvent(customer: string, price: string) {
  const id = `evt_${uid()}${uid()}`;
  const t = Math.floor(Date.now() / 1000) - 60;
  const object = {
    id: `sub_${id}`,
    object: "subscription",
    customer,
    status: "canceled",
    cancel_at_period_end: false,
    canceled_at: t,
    ended_at: t,
    trial_end: null,
    metadata: {},
    items: { data: [{ id: `si_${id}`, price: { id: price }, current_period_start: t - 86400, current_period_end: t }] },
  };
  return { id, object: "event", type: "customer.subscription.created", created: t, livemode: false, data: { object } };
}

/**
 * Terminates the backends of the app's pool (application_name 'tally') in this test's database —
 * all but those still being set up: postgres.js reads the array types on each new connection with
 * a promise nobody awaits, so a kill at that moment is an unhandled rejection in the library (the
 * app survives it; Next logs it), which would fail the run without saying anything about Tally.
 */
async function killPool(): Promise<number> {
  const killed = await admin`select pg_terminate_backend(pid) as ok from pg_stat_activity
    where datname = current_database() and application_name = 'tally' and pid <> pg_backend_pid()
      and query <> '' and query not like '%typarray%'`;
  return killed.length;
}

/** Kills the pool `times` times, `gapMs` apart, starting `afterMs` from now, while the load runs. */
/** Sends with one key until the answer is not a 503, as a client honouring Retry-After would (at most 8 tries, 250 ms apart). */
async function retried503<T extends { status: number }>(send: (key: string) => Promise<T>, key: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const res = await send(key);
    if (res.status !== 503 || attempt === 8) return res;
    await sleep(250);
  }
}

async function killDuring(times: number, afterMs: number, gapMs: number): Promise<number> {
  await sleep(afterMs);
  let killed = 0;
  for (let i = 0; i < times; i++) {
    killed += await killPool();
    await sleep(gapMs);
  }
  return killed;
}

beforeAll(async () => {
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  resetEnvCache();
  if (!onPostgres) return;
  const d = driver();
  if (d.kind !== "postgres") throw new Error("expected the Postgres test database");
  admin = postgres(d.url, { max: 1, onnotice: () => {}, connection: { application_name: "tally-test-admin" } });
});

afterAll(async () => {
  delete process.env.STRIPE_WEBHOOK_SECRET;
  resetEnvCache();
  await admin?.end({ timeout: 5 });
});

type Consumption = { id: string; balance_after: number; error?: { code: string } };

describe.skipIf(!onPostgres)("the pool's connections killed mid-write", () => {
  it("answers every credit spend (200 or 503), spends again afterwards for every customer, and keeps every acknowledged spend exactly once", async () => {
    const key = await platformKey();
    const event = `killed_${uid()}`;
    await insertCreditEvent({ code: event, name: "Spend under fire", credits: 1 });
    const orgs = await Promise.all(Array.from({ length: 4 }, () => makeOrg()));
    for (const o of orgs)
      await grantCredits(o.id, {
        amount: 1_000_000,
        source: "purchased",
        expiresAt: null,
        reason: "test",
        idempotencyKey: uid(),
        actor: "test",
      });

    const spendOnce = (orgId: string, idempotencyKey: string) =>
      call<Consumption>(consume.POST, "POST", "/api/v1/credits/consume", {
        key,
        body: { customer_id: orgId, event_name: event, quantity: "1" },
        headers: { "idempotency-key": idempotencyKey },
      });

    // Waves of concurrent spends (groups form while earlier ones are in flight), and the pool's
    // backends killed three times while they run.
    const sent: { orgId: string; key: string; res: Promise<Awaited<ReturnType<typeof spendOnce>>> }[] = [];
    const load = (async () => {
      for (let wave = 0; wave < 12; wave++) {
        for (let i = 0; i < 20; i++) {
          const orgId = orgs[i % orgs.length]!.id;
          const k = `spend-${uid()}`;
          sent.push({ orgId, key: k, res: spendOnce(orgId, k) });
        }
        await sleep(15);
      }
    })();
    const killed = await killDuring(3, 20, 60);
    await load;
    expect(killed).toBeGreaterThan(0);

    // (a) Every caller got an answer, and it was a success or a 503 (the database went away), never a 500 or a hang.
    const answers = await bounded(Promise.all(sent.map((s) => s.res)), 30_000, "spends during the kills");
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.json.error?.code).toBe("database_unavailable");
      expect(a.headers.get("retry-after")).toBeTruthy();
    }

    // (b) Every customer can spend again, through the group path (concurrent) and within a bound.
    const after = await bounded(
      Promise.all(
        orgs.flatMap((o) => Array.from({ length: 5 }, () => retried503((k) => spendOnce(o.id, k), `after-${uid()}`))),
      ),
      15_000,
      "spends after the kills",
    );
    expect(after.map((a) => a.status)).toEqual(after.map(() => 200));

    // (c) Every acknowledged spend is in the ledger, once; the books balance.
    const acked = sent.map((s, i) => ({ ...s, answer: answers[i]! })).filter((s) => s.answer.status === 200);
    const ids = acked.map((s) => s.answer.json.id);
    const stored = await rows<{ operation_id: string }>(
      sql`select distinct operation_id from credit_ledger where kind = 'consume' and operation_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
    );
    expect(stored.length).toBe(ids.length);
    expect(await checkCreditInvariants({ orgIds: orgs.map((o) => o.id) })).toEqual([]);

    // (d) A retry with the same key answers as the first time; a key that got a 503 is settled by its retry.
    const retries = await bounded(Promise.all(sent.map((s) => spendOnce(s.orgId, s.key))), 15_000, "retries");
    sent.forEach((s, i) => {
      const first = answers[i]!;
      const again = retries[i]!;
      expect(again.status).toBe(200);
      if (first.status === 200)
        expect(again.json).toMatchObject({ id: first.json.id, balance_after: first.json.balance_after });
    });
    const [twice] = await rows<{ n: number }>(
      sql`select count(*)::int as n from (select 1 from credit_ledger where kind = 'consume' and org_id in (${sql.join(
        orgs.map((o) => sql`${o.id}`),
        sql`, `,
      )})
          group by org_id, idempotency_key having count(distinct operation_id) > 1) d`,
    );
    expect(twice!.n).toBe(0);
    expect(await checkCreditInvariants({ orgIds: orgs.map((o) => o.id) })).toEqual([]);

    const h = await call<{ status: string; paths: { spend: { status: string; waiting: number } } }>(
      health.GET,
      "GET",
      "/api/health",
    );
    expect(h.status).toBe(200);
    expect(h.json.paths.spend).toMatchObject({ status: "ok", waiting: 0 });
  });

  it("answers every ingested event (202 or 503), ingests again afterwards, and stores every acknowledged event once", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "count" });
    const send = (eventId: string) =>
      call<{ message?: string; event_id?: string; error?: { code: string } }>(single.POST, "POST", "/api/v1/events", {
        key,
        body: { event_name: meter.eventName, external_customer_id: org.externalId, event_id: eventId },
      });

    const sent: { id: string; res: ReturnType<typeof send> }[] = [];
    const load = (async () => {
      for (let wave = 0; wave < 12; wave++) {
        for (let i = 0; i < 20; i++) {
          const id = `ev-${uid()}`;
          sent.push({ id, res: send(id) });
        }
        await sleep(15);
      }
    })();
    const killed = await killDuring(3, 20, 60);
    await load;
    expect(killed).toBeGreaterThan(0);

    const answers = await bounded(Promise.all(sent.map((s) => s.res)), 30_000, "events during the kills");
    expect(answers.map((a) => a.status).filter((s) => s !== 202 && s !== 503)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.json.error?.code).toBe("database_unavailable");

    // A connection the kills broke can still answer one more 503 (a client retries it); a wedged
    // ingest path would answer 503s, or nothing, until the bound.
    const after = await bounded(
      Promise.all(Array.from({ length: 20 }, () => retried503(send, `after-${uid()}`))),
      15_000,
      "events after the kills",
    );
    expect(after.map((a) => a.status)).toEqual(after.map(() => 202));

    // Retries: every id answers 202 again; each acknowledged id is stored once, and the rollups count what is stored.
    const retries = await bounded(Promise.all(sent.map((s) => send(s.id))), 15_000, "event retries");
    expect(retries.map((r) => r.status)).toEqual(retries.map(() => 202));
    const acked = sent.filter((_, i) => answers[i]!.status === 202).map((s) => s.id);
    const [counts] = await rows<{ stored: number; distinct_ids: number; acked_stored: number; rolled: number }>(
      sql`select (select count(*)::int from usage_events where org_id = ${org.id}) as stored,
                 (select count(distinct event_id)::int from usage_events where org_id = ${org.id}) as distinct_ids,
                 (select count(*)::int from usage_events where org_id = ${org.id} and event_id in (select jsonb_array_elements_text(${JSON.stringify(acked)}::jsonb))) as acked_stored,
                 (select coalesce(sum(event_count), 0)::int from usage_rollups where org_id = ${org.id}) as rolled`,
    );
    expect(counts).toEqual({
      stored: sent.length + after.length,
      distinct_ids: sent.length + after.length,
      acked_stored: acked.length,
      rolled: sent.length + after.length,
    });

    const h = await call<{ status: string; paths: { ingest: { status: string } } }>(health.GET, "GET", "/api/health");
    expect(h.status).toBe(200);
    expect(h.json.paths.ingest.status).toBe("ok");
  });
});

describe("a database that cannot be reached", () => {
  it("answers 503 database_unavailable with Retry-After, not 500, on an API route", async () => {
    const key = await platformKey();
    const real = installedDatabase();
    installDatabase(openPostgres("postgres://nobody@127.0.0.1:1/none", 1));
    try {
      const res = await call<{ error: { code: string } }>(consume.POST, "POST", "/api/v1/credits/consume", {
        key,
        body: { customer_id: "org_nowhere", credits: 1 },
        headers: { "idempotency-key": uid() },
      });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe("database_unavailable");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await closeDatabase();
      installDatabase(real);
    }
  });

  it("answers a signed Stripe webhook 503 database_unavailable with Retry-After, not 500", async () => {
    const real = installedDatabase();
    installDatabase(openPostgres("postgres://nobody@127.0.0.1:1/none", 1));
    try {
      const res = await deliver(endedSubscriptionEvent(`cus_${uid()}`, `price_${uid()}`));
      expect(res.status).toBe(503);
      expect(res.json.error?.code).toBe("database_unavailable");
      expect(Number(res.retryAfter)).toBeGreaterThan(0);
    } finally {
      await closeDatabase();
      installDatabase(real);
    }
  });

  it("answers 503 when the database goes away between storing a webhook event and processing it, and leaves the event for the retry", async () => {
    const event = endedSubscriptionEvent(`cus_${uid()}`, `price_${uid()}`);
    const [stored] = await db
      .insert(webhookEvents)
      .values({
        id: event.id,
        provider: "stripe",
        type: event.type,
        createdAt: new Date(event.created * 1000),
        payload: event,
      })
      .returning();
    const real = installedDatabase();
    installDatabase(openPostgres("postgres://nobody@127.0.0.1:1/none", 1));
    try {
      // Processing fails on the connection, and so does marking the event failed: still a 503, not the raw error (a 500).
      await expect(processStoredEvent(stored!.id, stored)).rejects.toMatchObject({ code: "database_unavailable" });
    } finally {
      await closeDatabase();
      installDatabase(real);
    }
    const [after] = await db
      .select({ status: webhookEvents.status })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, event.id));
    expect(after!.status).toBe("received");
  });

  it("maps a dropped connection (drizzle-wrapped 57P01) to 503, and anything else still to 500", async () => {
    const dropped = route({ path: "/api/x", auth: "public", doc: false }, async () => {
      throw Object.assign(new Error("Failed query"), {
        cause: Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      });
    });
    const broken = route({ path: "/api/x", auth: "public", doc: false }, async () => {
      throw new Error("a bug");
    });
    expect((await call(dropped, "GET", "/api/x")).status).toBe(503);
    expect((await call(broken, "GET", "/api/x")).status).toBe(500);
  });
});
