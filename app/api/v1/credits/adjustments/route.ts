import { actorLabel } from "@/lib/auth/actor";
import { adjustCredits } from "@/lib/credits/adjust-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZAdjustCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";

export const POST = route({ auth: "operator", body: ZAdjustCredits }, async ({ req, actor, body }) => {
  const orgId = await scopeCustomer(actor, body);
  const idempotencyKey = requireIdempotencyKey(req, body.idempotency_key);
  const res = await adjustCredits(orgId, {
    amount: body.amount,
    reason: body.reason,
    bucketId: body.bucket_id,
    source: body.source,
    expiresAt: body.expires_at ?? null,
    idempotencyKey,
    actor: actorLabel(actor),
  });
  return json(res.body, res.status, res.replayed ? { "idempotent-replayed": "true" } : undefined);
});
