import { actorLabel } from "@/lib/auth/actor";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { reserveCredits } from "@/lib/credits/reservations";
import { ZCreateReservation } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route({
  path: "/api/v1/credits/reservations",
  auth: "any", body: ZCreateReservation,
  doc: {
    tag: "Credits",
    summary: "Hold credits for in-flight work",
    description: `Held credits leave the balance at once and cannot be spent twice. A hold returns its credits when its TTL passes. ${IDEMPOTENT_MOVE}`,
    responses: { "201": "Reservation", "402": "Insufficient credits", "409": "Idempotency conflict" },
  },
}, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await reserveCredits(orgId, { credits: body.credits, ttlSeconds: body.ttl_seconds, reference: body.reference, idempotencyKey, actor: actorLabel(actor) });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
