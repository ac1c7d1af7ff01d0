// Resolves a request to an actor — a session user or an API key — and the organization it may act for.
import "server-only";
import type { ApiKeyPermission } from "./key-permissions";
import type { KeyRateLimit } from "./key-rate-limits";
import { AppError, forbidden, invalidField, notFound } from "@/lib/http/errors";
import type { RequestLike } from "@/lib/http/route";
import { findOrgRef } from "@/lib/orgs/org-refs";
import { authenticateApiKey, keyFromHeaders } from "./api-keys";
import { userFromRequest } from "./request-user";

export type Actor =
  | { type: "admin"; userId: string; orgId: null }
  | { type: "member"; userId: string; role: "owner" | "member"; orgId: string }
  | {
      type: "platform_key";
      keyId: string;
      orgId: null;
      permissions: ApiKeyPermission[] | null;
      rateLimit: KeyRateLimit;
    }
  | {
      type: "customer_key";
      keyId: string;
      orgId: string;
      permissions: ApiKeyPermission[] | null;
      rateLimit: KeyRateLimit;
    };

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
    const { keyId, permissions, rateLimit } = principal;
    return principal.scope === "platform"
      ? { type: "platform_key", keyId, orgId: null, permissions, rateLimit }
      : { type: "customer_key", keyId, orgId: principal.orgId!, permissions, rateLimit };
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

/** The user's id in an actorLabel; null for a key. */
export const userIdOf = (label: string): string | null => (label.startsWith("user:") ? label.slice(5) : null);

/** How a request names the customer it acts for: each field takes Tally's id or the platform's external id. */
export type CustomerRef = { customer_id?: string | null; external_customer_id?: string | null };

export const OTHER_CUSTOMER = "This key or session cannot act for another customer.";
export const NAME_THE_CUSTOMER = "required: name the customer (Tally id or external id)";

/**
 * The organization a request acts for — the one place tenant scoping is decided (route() calls it
 * for a route declaring `customer`). A customer key or session acts for its own organization:
 * naming another is a 403. A platform key or admin must name one (400), and it must exist (404).
 * Lookups go through the organization cache (lib/orgs/org-refs.ts): no query on the hot path.
 */
export async function scopeCustomer(actor: Actor, ref: CustomerRef = {}): Promise<string> {
  const named = ref.customer_id || ref.external_customer_id;
  if (isCustomer(actor)) {
    if (named && named !== actor.orgId && (await orgIdOf(named, !ref.customer_id)) !== actor.orgId)
      throw forbidden(OTHER_CUSTOMER);
    return actor.orgId;
  }
  if (!named) throw invalidField("customer_id", NAME_THE_CUSTOMER);
  const orgId = await orgIdOf(named, !ref.customer_id);
  if (!orgId) throw notFound("Customer");
  return orgId;
}

/** A customer's id from either of its ids; an external_customer_id is tried as the external id first. */
async function orgIdOf(ref: string, externalFirst: boolean): Promise<string | null> {
  const [first, second] = externalFirst ? [{ externalId: ref }, { id: ref }] : [{ id: ref }, { externalId: ref }];
  return ((await findOrgRef(first)) ?? (await findOrgRef(second)))?.id ?? null;
}

/** Billing changes: an organization's owner, or its customer API key (its backend). Members only read. */
export function assertCanManageBilling(actor: Customer): void {
  if (actor.type === "member" && actor.role !== "owner")
    throw forbidden("Only the organization's owner can change billing.");
}
