import { actorLabel } from "@/lib/auth/actor";
import { refundCredits } from "@/lib/credits/refund-credits";
import { ZRefundCredits, ZRefundJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route(
  {
    path: "/api/v1/credits/refunds",
    auth: "operator",
    body: ZRefundCredits,
    customer: "body",
    idempotent: "key",
    doc: {
      tag: "Credits",
      response: ZRefundJson,
      summary: "Refund a consumption or commit to the buckets it came from",
      description: IDEMPOTENT_MOVE,
      responses: {
        "201": "Refund",
        "404": "Consumption not found",
        "409": "Already refunded in full, or idempotency conflict",
      },
    },
  },
  async ({ actor, body, customerId: orgId, idempotencyKey }) => {
    return refundCredits(orgId, {
      consumptionId: body.consumption_id,
      credits: body.credits,
      reason: body.reason,
      idempotencyKey,
      actor: actorLabel(actor),
    });
  },
);
