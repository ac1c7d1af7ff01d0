// The customer a read acts for: a customer reads its own (naming another is a 403); an operator
// names one by Tally id or external id (404 when there is none).
import "server-only";
import { isCustomer, type Actor } from "@/lib/auth/actor";
import { forbidden, invalidField, notFound } from "@/lib/http/errors";
import { findOrganizationByRef, getOrganization } from "@/lib/orgs/organizations";
import type { Organization } from "@/lib/db/schema";

export async function scopeCustomer(actor: Actor, ref: { customer_id?: string; external_customer_id?: string }): Promise<Organization> {
  const named = ref.customer_id ?? ref.external_customer_id;
  if (isCustomer(actor)) {
    const own = await getOrganization(actor.orgId);
    if (named && named !== own.id && named !== own.externalId) throw forbidden("This key or session can only read its own customer.");
    return own;
  }
  if (!named) throw invalidField("customer_id", "required: name the customer (Tally id or external id)");
  const org = await findOrganizationByRef(named);
  if (!org) throw notFound("Customer");
  return org;
}
