import { actorLabel } from "@/lib/auth/actor";
import { scopeReservation } from "@/lib/credits/request";
import { commitReservation } from "@/lib/credits/reservations";
import { ZCommitReservation, ZReservationParams } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "any", params: ZReservationParams, body: ZCommitReservation }, async ({ actor, params, body }) => {
  const orgId = await scopeReservation(actor, params.id, body.customer_id);
  const res = await commitReservation(orgId, params.id, { credits: body.credits, actor: actorLabel(actor) });
  return json(res.body, 200, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
