import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { endpointScope } from "@/lib/outbound-webhooks/access";
import { rotateSecret } from "@/lib/outbound-webhooks/endpoints";
import { ZWebhookEndpointWithSecretJson } from "@/lib/outbound-webhooks/schemas";
import { endpointWithSecretJson } from "@/lib/outbound-webhooks/serialize";

export const POST = route(
  {
    path: "/api/v1/webhook-endpoints/{id}/rotate-secret",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Webhooks",
      response: ZWebhookEndpointWithSecretJson,
      summary: "Rotate an endpoint's secret: the new one is answered; the old one also signs for 24 hours",
      responses: { "200": "OK", "403": "A member", "404": "No such endpoint (or another customer's)" },
    },
  },
  async ({ actor, params }) =>
    endpointWithSecretJson(await rotateSecret(endpointScope(actor, { change: true }), params.id)),
);
