import { actorLabel } from "@/lib/auth/actor";
import { grantCredits } from "@/lib/credits/grant-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZGrantCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "operator", body: ZGrantCredits }, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await grantCredits(orgId, {
    amount: body.amount,
    source: body.source,
    expiresAt: body.expires_at ?? null,
    priority: body.priority,
    reason: body.reason,
    reference: body.reference,
    idempotencyKey,
    actor: actorLabel(actor),
  });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
