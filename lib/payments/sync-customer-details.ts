// With Stripe, a customer's billing details (address, tax ids) are kept in step on its Stripe
// customer through the outbox: enqueued in the transaction that saves them, sent by the worker with
// retries. The job sends the details as they are when it runs, so an older job never undoes a newer edit.
import "server-only";
import { eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { enqueue, PermanentJobError, registerOutboxHandler } from "@/lib/jobs/outbox";
import { ZBillingDetails } from "@/lib/invoices/party-schemas";
import { stripeConfigured } from "@/lib/stripe/client";
import { syncStripeCustomerDetails } from "@/lib/stripe/customers";

export const SYNC_DETAILS_JOB = "stripe.sync_customer_details";

export async function enqueueCustomerDetailsSync(tx: Executor, orgId: string): Promise<void> {
  if (!stripeConfigured()) return;
  await enqueue(tx, { kind: SYNC_DETAILS_JOB, orgId, payload: { orgId } });
}

registerOutboxHandler(SYNC_DETAILS_JOB, async (job) => {
  const orgId = String(job.payload.orgId);
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new PermanentJobError(`Organization ${orgId} no longer exists`);
  // Its Stripe customer is created by its own job: retried until it exists.
  if (!org.stripeCustomerId) throw new Error(`Organization ${orgId} has no Stripe customer yet`);
  const details = ZBillingDetails.parse(org.billingDetails ?? {});
  await syncStripeCustomerDetails(org.stripeCustomerId, details);
  return { stripe_customer_id: org.stripeCustomerId, tax_ids: details.tax_ids.length };
});
