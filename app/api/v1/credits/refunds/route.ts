import { actorLabel } from "@/lib/auth/actor";
import { refundCredits } from "@/lib/credits/refund-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZRefundCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route({
  path: "/api/v1/credits/refunds",
  auth: "operator", body: ZRefundCredits,
  doc: {
    tag: "Credits",
    summary: "Refund a consumption or commit to the buckets it came from",
    description: IDEMPOTENT_MOVE,
    responses: { "201": "Refund", "404": "Consumption not found", "409": "Already refunded in full, or idempotency conflict" },
  },
}, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await refundCredits(orgId, { consumptionId: body.consumption_id, credits: body.credits, reason: body.reason, idempotencyKey, actor: actorLabel(actor) });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
