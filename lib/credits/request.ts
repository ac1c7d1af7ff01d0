// The reservation routes' scope: a reservation names its customer itself.
import "server-only";
import { isOperator, scopeCustomer, type Actor } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { reservationOrg } from "./reservations";

/**
 * The organization a reservation request acts for. Customers: their own (another customer's
 * reservation is then simply not found). Operators: the one named, else the reservation's own.
 */
export async function scopeReservation(actor: Actor, reservationId: string, customerId?: string): Promise<string> {
  if (!isOperator(actor) || customerId) return scopeCustomer(actor, { customer_id: customerId });
  const orgId = await reservationOrg(reservationId);
  if (!orgId) throw notFound("Reservation");
  return orgId;
}
