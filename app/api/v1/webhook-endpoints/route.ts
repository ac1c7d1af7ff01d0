import { route, created } from "@/lib/http/route";
import { assertMayChange, endpointOwner } from "@/lib/outbound-webhooks/access";
import { createEndpoint, listEndpoints } from "@/lib/outbound-webhooks/endpoints";
import {
  ZWebhookEndpointCreate,
  ZWebhookEndpointList,
  ZWebhookEndpointListJson,
  ZWebhookEndpointWithSecretJson,
} from "@/lib/outbound-webhooks/schemas";
import { endpointJson, endpointWithSecretJson } from "@/lib/outbound-webhooks/serialize";

export const POST = route(
  {
    path: "/api/v1/webhook-endpoints",
    auth: "any",
    body: ZWebhookEndpointCreate,
    doc: {
      tag: "Webhooks",
      response: ZWebhookEndpointWithSecretJson,
      summary: "Register a webhook endpoint (Standard Webhooks signatures); the answer carries its secret",
      description:
        "An operator registers the installation's endpoint (every customer's events), or a customer's with customer_id; a customer key or owner registers its own. Customers' URLs must be public addresses.",
      responses: { "201": "Created", "400": "Invalid field", "403": "Another customer's, or a member" },
    },
  },
  async ({ actor, body }) => {
    assertMayChange(actor);
    const orgId = await endpointOwner(actor, body);
    const endpoint = await createEndpoint(orgId, {
      url: body.url,
      description: body.description,
      eventTypes: body.event_types,
    });
    return created(endpointWithSecretJson(endpoint));
  },
);

export const GET = route(
  {
    path: "/api/v1/webhook-endpoints",
    auth: "any",
    query: ZWebhookEndpointList,
    doc: {
      tag: "Webhooks",
      response: ZWebhookEndpointListJson,
      summary: "Webhook endpoints: the installation's (operators), a named customer's, or the caller's own",
    },
  },
  async ({ actor, query }) => {
    const orgId = await endpointOwner(actor, query);
    return { data: (await listEndpoints(orgId)).map(endpointJson), next_cursor: null };
  },
);
