import { route, accepted } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { endpointScope } from "@/lib/outbound-webhooks/access";
import { replayDelivery } from "@/lib/outbound-webhooks/endpoints";
import { ZWebhookDeliveryJson } from "@/lib/outbound-webhooks/schemas";
import { deliveryJson } from "@/lib/outbound-webhooks/serialize";

export const POST = route(
  {
    path: "/api/v1/webhook-deliveries/{id}/replay",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Webhooks",
      response: ZWebhookDeliveryJson,
      summary: "Send a delivery's event again now (same webhook-id, so receivers dedupe): a new delivery in the log",
      responses: { "202": "Queued", "403": "A member", "404": "No such delivery (or another customer's)" },
    },
  },
  async ({ actor, params }) =>
    accepted(deliveryJson(await replayDelivery(endpointScope(actor, { change: true }), params.id))),
);
