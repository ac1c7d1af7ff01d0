import { actorLabel } from "@/lib/auth/actor";
import { scopeReservation } from "@/lib/credits/request";
import { releaseReservation } from "@/lib/credits/reservations";
import { ZReleaseReservation, ZReservationParams, ZReservationJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";

export const POST = route(
  {
    path: "/api/v1/credits/reservations/{id}/release",
    permission: "credits:consume",
    auth: "any",
    params: ZReservationParams,
    body: ZReleaseReservation,
    idempotent: "state",
    doc: {
      tag: "Credits",
      response: ZReservationJson,
      summary: "Give a hold back",
      responses: {
        "200": "Released",
        "404": "Not found (or another customer's)",
        "409": "Already committed or expired",
      },
    },
  },
  async ({ actor, params, body }) => {
    const orgId = await scopeReservation(actor, params.id, body.customer_id);
    return releaseReservation(orgId, params.id, { actor: actorLabel(actor) });
  },
);
