// Stripe slow, and Stripe back (issue 15, fault suite part 4). A Stripe that takes a request and
// never answers costs a customer's request at most STRIPE_REQUEST_TIMEOUT_MS, then a 503 with
// Retry-After that says so; the outbox, which nobody waits on, may wait longer. And when Stripe
// answers again after failing, the outbox's Stripe jobs that wait out a backoff are due at once
// (not minutes later), while a running job, a job never tried and other kinds keep their time.
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as checkoutRoute from "@/app/api/v1/billing/checkout/route";
import * as portalRoute from "@/app/api/v1/billing/portal/route";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db/client";
import { jobs, organizations } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { runDueJobs } from "@/lib/jobs/outbox";
import { stripeRecovery } from "@/lib/stripe/client";
import { call, customerKey, makeOrg, uid } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";

const TIMEOUT_MS = 400;
const stripe = withStripeServer({ STRIPE_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) });
const MINUTE = 60_000;

/** A customer whose Stripe customer exists (as the outbox leaves it). */
async function stripeCustomer() {
  const org = await makeOrg();
  const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: { tally_org_id: org.id } }).id;
  await db.update(organizations).set({ stripeCustomerId: customer }).where(eq(organizations.id, org.id));
  // makeOrg queued its Stripe customer; this one has it already.
  await db.delete(jobs).where(eq(jobs.orgId, org.id));
  return { orgId: org.id, key: await customerKey(org.id) };
}

const jobRow = async (id: string) => (await db.select().from(jobs).where(eq(jobs.id, id)))[0]!;

// First in the file: a bring-forward happens at most once per 30 s per process, and the test below
// ends with Stripe answering after a failure.
describe("when Stripe answers again after failing", () => {
  it("makes the outbox's Stripe jobs that wait out a backoff due at once; a running job, a job never tried and other kinds keep their time", async () => {
    const org = await makeOrg();
    const [waiting] = await db.select().from(jobs).where(eq(jobs.orgId, org.id));
    expect(waiting!.kind).toBe("stripe.create_customer");
    const later = new Date(Date.now() + 10 * MINUTE);
    const others = {
      running: newId("job"),
      neverTried: newId("job"),
      otherKind: newId("job"),
    };
    await db.insert(jobs).values([
      // Claimed by a worker that is still on it: it must not become due (it would run twice at once).
      {
        id: others.running,
        kind: "stripe.test_running",
        status: "running",
        attempts: 3,
        runAt: later,
        lockedUntil: new Date(Date.now() + 5 * MINUTE),
      },
      // Scheduled for a date (a plan change at the period's end): not a backoff.
      { id: others.neverTried, kind: "stripe.test_scheduled", status: "pending", attempts: 0, runAt: later },
      { id: others.otherKind, kind: "test.not_stripe", status: "pending", attempts: 3, runAt: later },
    ]);

    await stripe.goDark();
    try {
      expect(await runDueJobs()).toBeGreaterThan(0);
    } finally {
      await stripe.comeBack();
    }
    // Its backoff after a long outage: minutes (as after eight tries).
    expect((await jobRow(waiting!.id)).status).toBe("pending");
    await db.update(jobs).set({ runAt: later, attempts: 8 }).where(eq(jobs.id, waiting!.id));
    expect(await runDueJobs()).toBe(0);

    // Any Stripe call that succeeds — here a customer opening the billing portal.
    const { key } = await stripeCustomer();
    const portal = await call(portalRoute.POST, "POST", "/api/v1/billing/portal", { key });
    expect(portal.status, JSON.stringify(portal.json)).toBe(200);
    expect(await stripeRecovery()).toBe(1);

    expect((await jobRow(waiting!.id)).runAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await runDueJobs()).toBe(1);
    expect((await jobRow(waiting!.id)).status).toBe("done");
    const [created] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(created!.stripeCustomerId).toMatch(/^cus_/);

    const untouched = await db
      .select()
      .from(jobs)
      .where(inArray(jobs.id, Object.values(others)));
    expect(untouched).toHaveLength(3);
    for (const j of untouched) expect(j.runAt.getTime(), j.kind).toBe(later.getTime());
    expect(untouched.find((j) => j.id === others.running)!.status).toBe("running");
  });
});

describe("a Stripe that takes requests and never answers", () => {
  it("answers a checkout and a portal request 503 with Retry-After after the request timeout, saying so", async () => {
    const { key } = await stripeCustomer();
    const pack = await insertCreditProduct({
      code: `slow-${uid()}`,
      name: "Slow pack",
      credits: 100,
      priceCents: 500,
      currency: "usd",
    });
    const checkout = () =>
      call(checkoutRoute.POST, "POST", "/api/v1/billing/checkout", { key, body: { credit_product_id: pack.id } });
    stripe.hang(/^POST \/v1\/(checkout|billing_portal)\//);
    try {
      for (const [what, send] of [
        ["checkout", checkout],
        ["portal", () => call(portalRoute.POST, "POST", "/api/v1/billing/portal", { key })],
      ] as const) {
        const res = await send();
        expect(res.status, `${what}: ${JSON.stringify(res.json)}`).toBe(503);
        const error = (res.json as { error: { code: string; message: string } }).error;
        expect(error.code).toBe("provider_unavailable");
        expect(error.message).toMatch(/Stripe did not answer within 0\.4 s; try again/);
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    } finally {
      stripe.hang(null);
    }
    expect((await checkout()).status).toBe(201);
  });

  it("lets the outbox, which nobody waits on, wait longer than a request for a slow answer", async () => {
    const { key } = await stripeCustomer();
    const org = await makeOrg();
    // Slower than a request may wait, well within what background work waits.
    stripe.hang(/^POST \/v1\/(customers|billing_portal\/sessions)$/, 3 * TIMEOUT_MS);
    try {
      expect((await call(portalRoute.POST, "POST", "/api/v1/billing/portal", { key })).status).toBe(503);
      expect(await runDueJobs()).toBe(1);
    } finally {
      stripe.hang(null);
    }
    const [created] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(created!.stripeCustomerId).toMatch(/^cus_/);
  });
});
