import { actorLabel } from "@/lib/auth/actor";
import { assertUnderSpendingCap } from "@/lib/billing/spending-cap";
import { reserveCredits } from "@/lib/credits/reservations";
import { ZCreateReservation, ZReservationJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";
import { IDEMPOTENT_MOVE } from "@/lib/credits/doc-text";

export const POST = route(
  {
    path: "/api/v1/credits/reservations",
    permission: "credits:consume",
    auth: "any",
    body: ZCreateReservation,
    customer: "body",
    idempotent: "key",
    doc: {
      tag: "Credits",
      response: ZReservationJson,
      summary: "Hold credits for in-flight work",
      description: `Held credits leave the balance at once and cannot be spent twice. A hold returns its credits when its TTL passes. A customer whose hard spending cap is reached cannot hold credits (402 spending_cap_reached, as consume); a commit of a hold taken before the cap is not refused — the work it paid for was already allowed. ${IDEMPOTENT_MOVE}`,
      responses: {
        "201": "Reservation",
        "402": "Insufficient credits, or the customer's hard spending cap is reached (spending_cap_reached)",
        "409": "Idempotency conflict",
      },
    },
  },
  async ({ actor, body, customerId: orgId, idempotencyKey }) => {
    await assertUnderSpendingCap(orgId, { scope: "credits.reserve", key: idempotencyKey });
    return reserveCredits(orgId, {
      credits: body.credits,
      ttlSeconds: body.ttl_seconds,
      reference: body.reference,
      idempotencyKey,
      actor: actorLabel(actor),
    });
  },
);
