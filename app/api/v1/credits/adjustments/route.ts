import { actorLabel } from "@/lib/auth/actor";
import { adjustCredits } from "@/lib/credits/adjust-credits";
import { ZAdjustCredits, ZAdjustmentJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route(
  {
    path: "/api/v1/credits/adjustments",
    auth: "operator",
    body: ZAdjustCredits,
    customer: "body",
    idempotent: "key",
    doc: {
      tag: "Credits",
      response: ZAdjustmentJson,
      summary: "Correct a balance: add to or take from a bucket, with a reason",
      description: `Negative adjustments never take held credits. ${IDEMPOTENT_MOVE}`,
      responses: {
        "201": "Adjustment",
        "400": "Invalid field",
        "402": "Not enough credits to take",
        "409": "Idempotency conflict",
      },
    },
  },
  async ({ actor, body, customerId: orgId, idempotencyKey }) => {
    return adjustCredits(orgId, {
      amount: body.amount,
      reason: body.reason,
      bucketId: body.bucket_id,
      source: body.source,
      expiresAt: body.expires_at ?? null,
      idempotencyKey,
      actor: actorLabel(actor),
    });
  },
);
