import { actorLabel } from "@/lib/auth/actor";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZConsumeCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "any", body: ZConsumeCredits }, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await consumeCredits(orgId, {
    eventName: body.event_name,
    quantity: body.quantity,
    credits: body.credits,
    reference: body.reference,
    idempotencyKey,
    actor: actorLabel(actor),
  });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
