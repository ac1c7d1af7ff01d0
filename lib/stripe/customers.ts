// Stripe customers. Creation carries an idempotency key derived from the organization, so a retry
// after a timeout or a 5xx never makes a second customer.
import "server-only";
import { stripe } from "./client";

export async function createStripeCustomer(org: { id: string; name: string; email: string | null }): Promise<string> {
  const customer = await stripe().customers.create(
    { name: org.name, ...(org.email && { email: org.email }), metadata: { tally_org_id: org.id } },
    { idempotencyKey: `tally-customer-${org.id}` },
  );
  return customer.id;
}
