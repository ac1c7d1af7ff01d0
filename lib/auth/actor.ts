// Resolves a request to an actor — a session user or an API key — and the organization it may act for.
import "server-only";
import { AppError, forbidden, invalidField, notFound } from "@/lib/http/errors";
import type { RequestLike } from "@/lib/http/route";
import { findOrgRef } from "@/lib/orgs/org-refs";
import { authenticateApiKey, keyFromHeaders } from "./api-keys";
import { userFromRequest } from "./request-user";

export type Actor =
  | { type: "admin"; userId: string; orgId: null }
  | { type: "member"; userId: string; role: "owner" | "member"; orgId: string }
  | { type: "platform_key"; keyId: string; orgId: null }
  | { type: "customer_key"; keyId: string; orgId: string };

export type Operator = Extract<Actor, { type: "admin" | "platform_key" }>;
export type Customer = Extract<Actor, { type: "member" | "customer_key" }>;

export const isOperator = (a: Actor): a is Operator => a.type === "admin" || a.type === "platform_key";
export const isCustomer = (a: Actor): a is Customer => !isOperator(a);

/** Null when the request carries no credentials; a 401 when it carries bad ones. */
export async function resolveActor(req: RequestLike): Promise<Actor | null> {
  const key = keyFromHeaders(req.headers);
  if (key) {
    const principal = await authenticateApiKey(key);
    if (!principal) throw new AppError("unauthenticated", "The API key is invalid or has been revoked.");
    return principal.scope === "platform"
      ? { type: "platform_key", keyId: principal.keyId, orgId: null }
      : { type: "customer_key", keyId: principal.keyId, orgId: principal.orgId! };
  }
  const user = await userFromRequest(req);
  if (!user) return null;
  return user.role === "admin"
    ? { type: "admin", userId: user.id, orgId: null }
    : { type: "member", userId: user.id, role: user.role, orgId: user.orgId! };
}

/** Who to record as having done something, for history and ledger rows. */
export function actorLabel(a: Actor): string {
  return a.type === "admin" || a.type === "member" ? `user:${a.userId}` : `key:${a.keyId}`;
}

export type CustomerRef = { customerId?: string | null; externalCustomerId?: string | null };

/**
 * The organization a request acts for. A customer acts for its own organization only: naming
 * another is a 403. An operator must name one, by Tally id or external id.
 */
export async function scopeOrg(actor: Actor, ref: CustomerRef = {}, field = "customer_id"): Promise<string> {
  if (isCustomer(actor)) {
    if (ref.customerId && ref.customerId !== actor.orgId) throw forbidden("This key or session cannot act for another customer.");
    if (ref.externalCustomerId) {
      const org = await findOrgRef({ externalId: ref.externalCustomerId });
      if (!org || org.id !== actor.orgId) throw forbidden("This key or session cannot act for another customer.");
    }
    return actor.orgId;
  }
  if (!ref.customerId && !ref.externalCustomerId) throw invalidField(field, "required: name the customer this request acts for");
  const org = await findOrgRef({ id: ref.customerId ?? undefined, externalId: ref.externalCustomerId ?? undefined });
  if (!org) throw notFound("Customer");
  return org.id;
}

/** Billing changes: an organization's owner, or its customer API key (its backend). Members only read. */
export function assertCanManageBilling(actor: Customer): void {
  if (actor.type === "member" && actor.role !== "owner") throw forbidden("Only the organization's owner can change billing.");
}
