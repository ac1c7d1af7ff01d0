import { z } from "zod";
import { scopeReservation } from "@/lib/credits/request";
import { getReservation } from "@/lib/credits/reservations";
import { ZReservationParams, ZReservationJson } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/credits/reservations/{id}",
    auth: "any",
    params: ZReservationParams,
    query: z.object({ customer_id: z.string().optional() }),
    doc: {
      tag: "Credits",
      response: ZReservationJson,
      summary: "A reservation and its status",
      responses: { "200": "OK", "404": "Not found (or another customer's)" },
    },
  },
  async ({ actor, params, query }) => {
    const orgId = await scopeReservation(actor, params.id, query.customer_id);
    return getReservation(orgId, params.id);
  },
);
