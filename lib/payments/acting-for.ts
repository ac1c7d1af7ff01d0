// Billing requests made for a customer: by the customer itself (its owner's session or its key) or
// by an operator (a platform key or the admin) naming it with customer_id, as a SaaS backend that
// embeds Tally's billing does. route() resolves which customer (scopeCustomer); this says who may change it.
import "server-only";
import { assertCanManageBilling, isCustomer, type Actor } from "@/lib/auth/actor";

/** Billing changes: an operator acting for the customer, the customer's owner or its key; members only read. */
export function assertMayManageBilling(actor: Actor): void {
  if (isCustomer(actor)) assertCanManageBilling(actor);
}

/** A request as its idempotency key remembers it: without how it named the customer (the key is the customer's already). */
export function withoutCustomer<T extends { customer_id?: string | null; external_customer_id?: string | null }>(
  body: T,
): Omit<T, "customer_id" | "external_customer_id"> {
  const { customer_id: _id, external_customer_id: _ext, ...rest } = body;
  return rest;
}

/** The OpenAPI sentence every /api/v1/billing/* route carries. */
export const ACTS_FOR_CUSTOMER_DOC =
  "A platform key acts for a customer it names with `customer_id` (Tally's id or the external id) or `external_customer_id`, and without one is a 400 naming `customer_id`; a customer's own key or session acts for itself, and naming another customer is a 403.";
