import { actorLabel } from "@/lib/auth/actor";
import { scopeReservation } from "@/lib/credits/request";
import { commitReservation } from "@/lib/credits/reservations";
import { ZCommitReservation, ZReservationParams, ZReservationJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";

export const POST = route(
  {
    path: "/api/v1/credits/reservations/{id}/commit",
    permission: "credits:consume",
    auth: "any",
    params: ZReservationParams,
    body: ZCommitReservation,
    idempotent: "state",
    doc: {
      tag: "Credits",
      response: ZReservationJson,
      summary: "Spend all or part of a hold; the rest is released",
      description:
        "Credits beyond the hold are spent like a consumption. The same commit again answers the first result; a different one, or a commit after release or expiry, is a 409.",
      responses: {
        "200": "Committed",
        "402": "Insufficient credits for the excess",
        "404": "Not found (or another customer's)",
        "409": "Already committed, released or expired",
      },
    },
  },
  async ({ actor, params, body }) => {
    const orgId = await scopeReservation(actor, params.id, body.customer_id);
    return commitReservation(orgId, params.id, { credits: body.credits, actor: actorLabel(actor) });
  },
);
