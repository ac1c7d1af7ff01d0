import { json, route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { processStoredEvent } from "@/lib/webhooks/receive";

/** Processes a stored Stripe event again (handlers converge, so replaying a processed event is safe). */
export const POST = route({ auth: "operator", params: ZIdParams }, async ({ params }) => {
  const r = await processStoredEvent(params.id);
  return json(r.body, r.status);
});
