import { actorLabel } from "@/lib/auth/actor";
import { adjustCredits } from "@/lib/credits/adjust-credits";
import { requireIdempotencyKey, scopeCustomer } from "@/lib/credits/request";
import { ZAdjustCredits } from "@/lib/credits/schemas";
import { json, route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route({
  path: "/api/v1/credits/adjustments",
  auth: "operator", body: ZAdjustCredits,
  doc: {
    tag: "Credits",
    summary: "Correct a balance: add to or take from a bucket, with a reason",
    description: `Negative adjustments never take held credits. ${IDEMPOTENT_MOVE}`,
    responses: { "201": "Adjustment", "400": "Invalid field", "402": "Not enough credits to take", "409": "Idempotency conflict" },
  },
}, async ({ req, actor, body }) => {
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
