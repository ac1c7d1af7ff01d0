import { actorLabel } from "@/lib/auth/actor";
import { grantCredits } from "@/lib/credits/grant-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZGrantCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route({
  path: "/api/v1/credits/grants",
  auth: "operator", body: ZGrantCredits,
  doc: {
    tag: "Credits",
    summary: "Grant credits (promotional or manual) as a new bucket",
    description: IDEMPOTENT_MOVE,
    responses: { "201": "Grant", "400": "Invalid field", "409": "Idempotency conflict" },
  },
}, async ({ req, actor, body }) => {
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
