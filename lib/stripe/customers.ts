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

type Details = {
  billing_name: string;
  address_line1: string;
  address_line2: string;
  city: string;
  postal_code: string;
  region: string;
  country: string;
  tax_ids: { type: "eu_vat" | "gb_vat" | "us_ein" | "au_abn" | "in_gst"; value: string }[];
};

/**
 * Brings the Stripe customer's name, address and tax ids in step with Tally's billing details: the
 * address and name by one update, tax ids by deleting the ones Tally no longer has and creating the
 * missing ones (Stripe's kinds are named as Tally's). Running it twice changes nothing more.
 */
export async function syncStripeCustomerDetails(customerId: string, d: Details): Promise<void> {
  const s = stripe();
  await s.customers.update(customerId, {
    ...(d.billing_name && { name: d.billing_name }),
    address: {
      line1: d.address_line1,
      line2: d.address_line2,
      city: d.city,
      postal_code: d.postal_code,
      state: d.region,
      country: d.country,
    },
  });
  const existing = (await s.customers.listTaxIds(customerId, { limit: 100 })).data;
  const key = (t: { type: string; value: string }) => `${t.type}:${t.value}`;
  const want = new Set(d.tax_ids.map(key));
  const have = new Set(existing.map(key));
  for (const t of existing) if (!want.has(key(t))) await s.customers.deleteTaxId(customerId, t.id);
  for (const t of d.tax_ids) if (!have.has(key(t))) await s.customers.createTaxId(customerId, t);
}
