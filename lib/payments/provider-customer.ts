// Each customer organization gets a Stripe customer through the outbox: enqueued in the same
// transaction that creates the organization, created by the worker with retries, never blocking
// the request that created the organization.
import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { organizations, type Organization } from "@/lib/db/schema";
import { enqueue, PermanentJobError, registerOutboxHandler } from "@/lib/jobs/outbox";
import { notFound } from "@/lib/http/errors";
import { providerError, stripeConfigured } from "@/lib/stripe/client";
import { createStripeCustomer } from "@/lib/stripe/customers";

export const CREATE_CUSTOMER_JOB = "stripe.create_customer";

export async function enqueueProviderCustomer(
  tx: Executor,
  org: Pick<Organization, "id" | "stripeCustomerId">,
): Promise<void> {
  if (!stripeConfigured() || org.stripeCustomerId) return;
  await enqueue(tx, {
    kind: CREATE_CUSTOMER_JOB,
    orgId: org.id,
    payload: { orgId: org.id },
    dedupeKey: `${CREATE_CUSTOMER_JOB}:${org.id}`,
  });
}

registerOutboxHandler(CREATE_CUSTOMER_JOB, async (job) => {
  const orgId = String(job.payload.orgId);
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new PermanentJobError(`Organization ${orgId} no longer exists`);
  if (org.stripeCustomerId) return { stripe_customer_id: org.stripeCustomerId, already: true };
  const customerId = await createStripeCustomer(org);
  await db
    .update(organizations)
    .set({ stripeCustomerId: customerId, updatedAt: new Date() })
    .where(and(eq(organizations.id, orgId), isNull(organizations.stripeCustomerId)));
  return { stripe_customer_id: customerId };
});

/** When Stripe is switched on after customers exist: enqueue their provider customers. */
export async function backfillProviderCustomers(): Promise<number> {
  if (!stripeConfigured()) return 0;
  const missing = await db
    .select({ id: organizations.id, stripeCustomerId: organizations.stripeCustomerId })
    .from(organizations)
    .where(isNull(organizations.stripeCustomerId));
  for (const org of missing) await enqueueProviderCustomer(db, org);
  return missing.length;
}

/** The organization's Stripe customer, created now (with the outbox job's idempotency key) when a buyer comes first. */
export async function stripeCustomerOf(orgId: string): Promise<string> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("Customer");
  if (org.stripeCustomerId) return org.stripeCustomerId;
  // The outbox creates it soon after sign-up; a checkout that comes first creates it now, with the
  // same idempotency key, so the two can never make two customers. Stripe down is a 503 to the
  // buyer (try again shortly), not a 500.
  const id = await createStripeCustomer(org).catch((e: unknown) => {
    throw providerError(e);
  });
  await db.update(organizations).set({ stripeCustomerId: id }).where(eq(organizations.id, orgId));
  return id;
}
