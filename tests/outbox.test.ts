import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { jobs, organizations } from "@/lib/db/schema";
import { backoffSeconds, retryJob, runDueJobs } from "@/lib/jobs/outbox";
import { CREATE_CUSTOMER_JOB } from "@/lib/payments/provider-customer";
import { makeOrg } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";

const stripe = withStripeServer();

const jobFor = async (orgId: string) =>
  (
    await db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `${CREATE_CUSTOMER_JOB}:${orgId}`))
  )[0]!;
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe("outbox: Stripe customers", () => {
  it("creates exactly one Stripe customer when Stripe answers 500 twice, backing off 1 s then 2 s", async () => {
    stripe.failNext(/POST \/v1\/customers/, 500, 2);
    const org = await makeOrg();
    const before = stripe.list("customer").length;
    const started = Date.now();
    await runDueJobs(later(0));
    const finished = Date.now();
    let job = await jobFor(org.id);
    expect(job).toMatchObject({ status: "pending", attempts: 1 });
    // Due again 1 s after the failed attempt began (between `started` and `finished`), however long it took.
    expect(job.runAt.getTime()).toBeGreaterThanOrEqual(started + 1000);
    expect(job.runAt.getTime()).toBeLessThanOrEqual(finished + 1000);
    await runDueJobs(later(1.1));
    job = await jobFor(org.id);
    expect(job).toMatchObject({ status: "pending", attempts: 2 });
    await runDueJobs(later(10));
    job = await jobFor(org.id);
    expect(job).toMatchObject({ status: "done", attempts: 3 });
    const created = stripe.list("customer", (c) => (c.metadata as Record<string, string>).tally_org_id === org.id);
    expect(created).toHaveLength(1);
    expect(stripe.list("customer").length - before).toBe(1);
    const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(row!.stripeCustomerId).toBe(created[0]!.id);
    // Every attempt carried the same Stripe idempotency key.
    const keys = new Set(
      stripe.requests
        .filter(
          (r) =>
            r.path === "/v1/customers" &&
            r.body.metadata &&
            (r.body.metadata as Record<string, string>).tally_org_id === org.id,
        )
        .map((r) => r.idempotencyKey),
    );
    expect([...keys]).toEqual([`tally-customer-${org.id}`]);
  });

  it("keeps one customer even when the worker runs twice after Stripe already created it (timeout after success)", async () => {
    const org = await makeOrg();
    await runDueJobs(later(0));
    await db
      .update(jobs)
      .set({ status: "pending", runAt: new Date(0) })
      .where(eq(jobs.dedupeKey, `${CREATE_CUSTOMER_JOB}:${org.id}`));
    await db.update(organizations).set({ stripeCustomerId: null }).where(eq(organizations.id, org.id));
    await runDueJobs(later(0));
    expect(stripe.list("customer", (c) => (c.metadata as Record<string, string>).tally_org_id === org.id)).toHaveLength(
      1,
    );
  });

  it("marks the job failed on a 4xx, shows why, and lets an admin retry it", async () => {
    stripe.failNext(/POST \/v1\/customers/, 400, 1, {
      error: { type: "invalid_request_error", message: "Invalid email address" },
    });
    const org = await makeOrg();
    await runDueJobs(later(0));
    const failed = await jobFor(org.id);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toContain("Invalid email address");
    await retryJob(failed.id);
    await runDueJobs(later(0));
    expect((await jobFor(org.id)).status).toBe("done");
  });

  it("backs off exponentially and caps the wait at five minutes", () => {
    expect([1, 2, 3, 4, 5].map(backoffSeconds)).toEqual([1, 2, 4, 8, 16]);
    expect(backoffSeconds(20)).toBe(300);
  });

  it("never runs one job twice when two workers race", async () => {
    const org = await makeOrg();
    await Promise.all([runDueJobs(later(0)), runDueJobs(later(0))]);
    expect(
      stripe.requests.filter(
        (r) =>
          r.method === "POST" &&
          r.path === "/v1/customers" &&
          (r.body.metadata as Record<string, string>)?.tally_org_id === org.id,
      ),
    ).toHaveLength(1);
  });
});
