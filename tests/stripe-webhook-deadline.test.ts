// A webhook delivery whose database work hangs (issue 15, fault-suite part 5: a statement the
// driver took and never settled kept webhook requests open past 15 s). Each delivery answers 503
// database_unavailable with Retry-After at its deadline instead of waiting; the work it started
// is not cancelled, and whether it finishes late or never, Stripe's retry leaves the event applied
// exactly once. Postgres only: a row lock held by another connection is what makes the work wait
// (PGlite runs one transaction at a time, so nothing can hold one against the app).
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { getCreditBalance } from "@/lib/credits/balance";
import { db, driver, rows } from "@/lib/db/client";
import { organizations, payments, webhookEvents, type CreditProduct } from "@/lib/db/schema";
import { startCheckout } from "@/lib/payments/checkout";
import { makeOrg, uid } from "./support/fixtures";
import { postStripeEvent, withStripeServer } from "./support/stripe-env";

const onPostgres = process.env.TEST_DB === "postgres";
const SECRET = "whsec_test_deadline";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two connections: one holds the lock while the other looks for (and kills) what waits on it. */
let admin: postgres.Sql;
let pack: CreditProduct;

async function deliver(event: Record<string, unknown>) {
  const res = await postStripeEvent(event, SECRET);
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    json: (await res.json()) as { outcome?: string; duplicate?: boolean; error?: { code: string } },
  };
}

/** Rejects if `p` has not settled within `ms`: a delivery that waits for the lock fails the test instead of stalling it. */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))),
  ]);
}

/** Polls until `check` holds (at most 20 s): the attempts the deadline answered for go on in the background. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`never: ${what}`);
}

/**
 * Another connection holds the payments table against writes (reads go on), as a stuck or slow
 * statement would: a credit pack's webhook stores its event, re-reads Stripe, then waits inside its
 * transaction — with the event's row taken FOR UPDATE — to write the payment. `release` commits.
 */
async function holdPayments(): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const done = admin.begin(async (tx) => {
    await tx`lock table payments in exclusive mode`;
    locked();
    await released;
  });
  await isLocked;
  return {
    release: async () => {
      release();
      await done;
    },
  };
}

/** A paid Stripe checkout for the pack, and its checkout.session.completed event. */
async function paidPack() {
  const org = await makeOrg(`Buyer ${uid()}`);
  const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: { tally_org_id: org.id } }).id;
  await db.update(organizations).set({ stripeCustomerId: customer }).where(eq(organizations.id, org.id));
  const started = await startCheckout(org.id, { creditProductId: pack.id }, "test");
  const { session } = stripe.payCheckout(started.providerSessionId!);
  return { orgId: org.id, event: stripe.event("checkout.session.completed", session) };
}

const statusOf = async (id: unknown) =>
  (
    await db
      .select({ status: webhookEvents.status })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, String(id)))
  )[0]?.status;

/** What the purchase left: the balance, the payments and the ledger lines for the organization. */
async function effects(orgId: string) {
  const [ledger] = await rows<{ n: number }>(sql`select count(*)::int as n from credit_ledger where org_id = ${orgId}`);
  return {
    balance: (await getCreditBalance(orgId))?.balance ?? 0,
    payments: (await db.select().from(payments).where(eq(payments.orgId, orgId))).length,
    ledgerLines: ledger!.n,
  };
}

beforeAll(async () => {
  pack = await insertCreditProduct({
    code: `pack-${uid()}`,
    name: "1,000 credits",
    credits: 1000,
    priceCents: 1000,
    currency: "usd",
  });
  if (!onPostgres) return;
  const d = driver();
  if (d.kind !== "postgres") throw new Error("expected the Postgres test database");
  admin = postgres(d.url, { max: 2, onnotice: () => {}, connection: { application_name: "tally-test-admin" } });
});

afterAll(async () => {
  await admin?.end({ timeout: 5 });
});

describe.skipIf(!onPostgres)("a Stripe webhook whose database work hangs", () => {
  it("answers 503 with Retry-After while the work waits; the work finishing late and Stripe's retries apply the event once", async () => {
    const { orgId, event } = await paidPack();
    const hold = await holdPayments();
    let answers;
    try {
      // The first delivery and Stripe's retry of it, both while the payments table is still held:
      // each is answered at its deadline, not when the hold ends.
      answers = await bounded(Promise.all([deliver(event), deliver(event)]), 20_000, "deliveries during the hold");
    } finally {
      await hold.release();
    }
    for (const a of answers) {
      expect(a.status).toBe(503);
      expect(a.json.error?.code).toBe("database_unavailable");
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    // Released, the first attempt goes on and applies the event; the second finds it processed.
    await until(async () => (await statusOf(event.id)) === "processed", "the held attempt finishes");
    const retry = await deliver(event);
    expect(retry).toMatchObject({ status: 200, json: { duplicate: true } });
    expect(await effects(orgId)).toEqual({ balance: 1000, payments: 1, ledgerLines: 1 });
  });

  it("answers 503 with Retry-After; when the held attempt never finishes, Stripe's retry applies the event once", async () => {
    const { orgId, event } = await paidPack();
    const hold = await holdPayments();
    let first;
    try {
      first = await bounded(deliver(event), 20_000, "delivery during the hold");
      // The attempt's connection dies while it waits (as a killed backend would): nothing it did commits.
      await until(async () => {
        const killed = await admin`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and application_name = 'tally' and wait_event_type = 'Lock'`;
        return killed.length > 0;
      }, "the waiting attempt's backend is found");
    } finally {
      await hold.release();
    }
    expect(first).toMatchObject({ status: 503, json: { error: { code: "database_unavailable" } } });
    expect(Number(first.retryAfter)).toBeGreaterThan(0);
    expect(await effects(orgId)).toEqual({ balance: 0, payments: 0, ledgerLines: 0 });

    // Stripe's retry (the pool may hand it a connection the kill broke: a 503 again, retried as Stripe would).
    let retry = await deliver(event);
    for (let i = 0; i < 5 && retry.status === 503; i++) retry = await deliver(event);
    expect(retry).toMatchObject({ status: 200, json: { outcome: "credits_granted" } });
    expect(await deliver(event)).toMatchObject({ status: 200, json: { duplicate: true } });
    expect(await effects(orgId)).toEqual({ balance: 1000, payments: 1, ledgerLines: 1 });
  });
});
