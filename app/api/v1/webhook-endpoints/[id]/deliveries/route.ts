import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { endpointScope } from "@/lib/outbound-webhooks/access";
import { listDeliveries } from "@/lib/outbound-webhooks/endpoints";
import { ZWebhookDeliveryList, ZWebhookDeliveryListJson } from "@/lib/outbound-webhooks/schemas";
import { deliveryJson } from "@/lib/outbound-webhooks/serialize";

export const GET = route(
  {
    path: "/api/v1/webhook-endpoints/{id}/deliveries",
    auth: "any",
    params: ZIdParams,
    query: ZWebhookDeliveryList,
    doc: {
      tag: "Webhooks",
      response: ZWebhookDeliveryListJson,
      summary:
        "An endpoint's delivery log, newest first: each delivery with its attempts (request headers, response status and body excerpt, duration)",
      responses: { "200": "OK", "404": "No such endpoint (or another customer's)" },
    },
  },
  async ({ actor, params, query }) => {
    const page = await listDeliveries(endpointScope(actor), params.id, query);
    return { data: page.data.map(deliveryJson), next_cursor: page.nextCursor };
  },
);
