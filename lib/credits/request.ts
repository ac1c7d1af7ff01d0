// Small request helpers shared by the credits routes.
import "server-only";
import { isOperator, scopeOrg, type Actor } from "@/lib/auth/actor";
import { invalidField, notFound } from "@/lib/http/errors";
import type { RequestLike } from "@/lib/http/route";
import { idempotencyKeyOf } from "@/lib/idempotency/idempotent";
import { reservationOrg } from "./reservations";

/** Every credit-moving POST needs a key: the Idempotency-Key header or the body's idempotency_key. */
export function requireIdempotencyKey(req: RequestLike, bodyKey?: string | null): string {
  const key = idempotencyKeyOf(req, bodyKey);
  if (!key) throw invalidField("idempotency_key", "required: send an Idempotency-Key header or idempotency_key in the body");
  if (key.length > 255) throw invalidField("idempotency_key", "at most 255 characters");
  return key;
}

export function scopeCustomer(actor: Actor, ref: { customer_id?: string; external_customer_id?: string }): Promise<string> {
  return scopeOrg(actor, { customerId: ref.customer_id, externalCustomerId: ref.external_customer_id });
}

/**
 * The organization a reservation request acts for. Customers: their own (another customer's
 * reservation is then simply not found). Operators: the one named, else the reservation's own.
 */
export async function scopeReservation(actor: Actor, reservationId: string, customerId?: string): Promise<string> {
  if (!isOperator(actor) || customerId) return scopeOrg(actor, { customerId });
  const orgId = await reservationOrg(reservationId);
  if (!orgId) throw notFound("Reservation");
  return orgId;
}
