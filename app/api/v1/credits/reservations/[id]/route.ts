import { z } from "zod";
import { scopeReservation } from "@/lib/credits/request";
import { getReservation } from "@/lib/credits/reservations";
import { ZReservationParams } from "@/lib/credits/schemas";
import { route } from "@/lib/http/route";

export const GET = route({ auth: "any", params: ZReservationParams, query: z.object({ customer_id: z.string().optional() }) }, async ({ actor, params, query }) => {
  const orgId = await scopeReservation(actor, params.id, query.customer_id);
  return getReservation(orgId, params.id);
});
