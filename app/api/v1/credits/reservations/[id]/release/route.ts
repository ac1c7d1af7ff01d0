import { actorLabel } from "@/lib/auth/actor";
import { scopeReservation } from "@/lib/credits/request";
import { releaseReservation } from "@/lib/credits/reservations";
import { ZReleaseReservation, ZReservationParams } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "any", params: ZReservationParams, body: ZReleaseReservation }, async ({ actor, params, body }) => {
  const orgId = await scopeReservation(actor, params.id, body.customer_id);
  const res = await releaseReservation(orgId, params.id, { actor: actorLabel(actor) });
  return json(res.body, 200, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
