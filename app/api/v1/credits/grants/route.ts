import { actorLabel } from "@/lib/auth/actor";
import { grantCredits } from "@/lib/credits/grant-credits";
import { ZGrantCredits, ZGrantJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route(
  {
    path: "/api/v1/credits/grants",
    auth: "operator",
    body: ZGrantCredits,
    customer: "body",
    idempotent: "key",
    doc: {
      tag: "Credits",
      response: ZGrantJson,
      summary: "Grant credits (promotional or manual) as a new bucket",
      description: IDEMPOTENT_MOVE,
      responses: { "201": "Grant", "400": "Invalid field", "409": "Idempotency conflict" },
    },
  },
  async ({ actor, body, customerId: orgId, idempotencyKey }) => {
    return grantCredits(orgId, {
      amount: body.amount,
      source: body.source,
      expiresAt: body.expires_at ?? null,
      priority: body.priority,
      reason: body.reason,
      reference: body.reference,
      idempotencyKey,
      actor: actorLabel(actor),
    });
  },
);
