import { actorLabel } from "@/lib/auth/actor";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { reserveCredits } from "@/lib/credits/reservations";
import { ZCreateReservation } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "any", body: ZCreateReservation }, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await reserveCredits(orgId, { credits: body.credits, ttlSeconds: body.ttl_seconds, reference: body.reference, idempotencyKey, actor: actorLabel(actor) });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
