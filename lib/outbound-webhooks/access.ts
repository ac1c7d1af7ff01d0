// Who a webhook-endpoint request acts for: an operator (admin session or platform key) the
// installation's endpoints, or a named customer's; a customer (session or key) only its own, and
// only an owner or the customer's key may change them (members read).
import "server-only";
import { assertCanManageBilling, isOperator, scopeCustomer, type Actor, type CustomerRef } from "@/lib/auth/actor";
import type { EndpointScope } from "./endpoints";

/** The organization whose endpoints a create or list means; null: the installation's. */
export async function endpointOwner(actor: Actor, ref: CustomerRef): Promise<string | null> {
  if (isOperator(actor) && !ref.customer_id && !ref.external_customer_id) return null;
  return scopeCustomer(actor, ref);
}

export function endpointScope(actor: Actor, opts: { change?: boolean } = {}): EndpointScope {
  if (isOperator(actor)) return { kind: "operator" };
  if (opts.change) assertCanManageBilling(actor);
  return { kind: "customer", orgId: actor.orgId };
}

export function assertMayChange(actor: Actor): void {
  if (!isOperator(actor)) assertCanManageBilling(actor);
}
