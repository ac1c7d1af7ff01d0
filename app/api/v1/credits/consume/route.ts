import { actorLabel } from "@/lib/auth/actor";
import { assertUnderSpendingCap } from "@/lib/billing/spending-cap";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { ZConsumeCredits, ZConsumptionJson } from "@/lib/credits/schemas";
import { requireIdempotencyKey } from "@/lib/idempotency/idempotent";
import { route } from "@/lib/http/route";
import { newId } from "@/lib/ids";
import { metrics } from "@/lib/metrics";
import { IDEMPOTENT_MOVE, KEYLESS_CONSUME } from "@/lib/credits/doc-text";

export const POST = route(
  {
    path: "/api/v1/credits/consume",
    permission: "credits:consume",
    auth: "any",
    body: ZConsumeCredits,
    customer: "body",
    idempotent: "optional-key",
    fast: true,
    doc: {
      tag: "Credits",
      response: ZConsumptionJson,
      summary: "Spend credits for a credit event × quantity (or a raw amount)",
      description: `Draws buckets in the customer's precedence order (default: purchased, subscription, promotional; within a source the earliest expiry, then the oldest). Short of credits: 402 insufficient_credits with balance and shortfall, nothing spent — unless the customer allows overage, which is recorded (a negative balance) and priced per credit. ${IDEMPOTENT_MOVE} ${KEYLESS_CONSUME}`,
      responses: {
        "200": "Spent: credits per bucket, balance after",
        "400": "Invalid field, or an unknown or inactive event_name",
        "402": "Insufficient credits, or the customer's hard spending cap is reached (spending_cap_reached)",
        "409": "Idempotency conflict",
      },
    },
  },
  async ({ actor, body, req, customerId: orgId, idempotencyKey: sent }) => {
    // Only the credits guide's shape (organization_id) may leave the key out; Tally's own still needs one.
    const keyless = !sent && body.organization_id !== undefined;
    const idempotencyKey = keyless ? newId("idk") : (sent ?? requireIdempotencyKey(req));
    await assertUnderSpendingCap(orgId, { scope: "credits.consume", key: idempotencyKey });
    const res = await consumeCredits(orgId, {
      eventName: body.event_name,
      quantity: body.quantity,
      credits: body.credits,
      reference: body.reference,
      idempotencyKey,
      actor: actorLabel(actor),
    });
    if (!keyless) return res;
    metrics.creditConsumesKeyless.inc();
    return { ...res, body: { ...res.body, idempotency_key: idempotencyKey, idempotency_key_generated: true as const } };
  },
);
