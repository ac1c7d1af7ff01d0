import { actorLabel } from "@/lib/auth/actor";
import { refundCredits } from "@/lib/credits/refund-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZRefundCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "operator", body: ZRefundCredits }, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await refundCredits(orgId, { consumptionId: body.consumption_id, credits: body.credits, reason: body.reason, idempotencyKey, actor: actorLabel(actor) });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
