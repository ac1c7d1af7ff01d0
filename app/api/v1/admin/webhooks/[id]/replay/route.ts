import { json, route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { processStoredEvent } from "@/lib/webhooks/receive";
import { ZWebhookReceiptJson } from "@/lib/webhooks/schemas";

/** Processes a stored Stripe event again (handlers converge, so replaying a processed event is safe). */
export const POST = route(
  {
    path: "/api/v1/admin/webhooks/{id}/replay",
    auth: "operator",
    params: ZIdParams,
    doc: {
      tag: "Admin",
      response: ZWebhookReceiptJson,
      summary: "Process a stored Stripe event again",
      responses: {
        "200": "Processed",
        "404": "Not found",
        "409": "A local sandbox event",
        "500": "Processing failed again",
      },
    },
  },
  async ({ params }) => {
    const r = await processStoredEvent(params.id);
    return json(r.body, r.status);
  },
);
