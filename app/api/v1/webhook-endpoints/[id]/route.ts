import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { endpointScope } from "@/lib/outbound-webhooks/access";
import { deleteEndpoint, findEndpoint, updateEndpoint } from "@/lib/outbound-webhooks/endpoints";
import { ZWebhookDeletedJson, ZWebhookEndpointJson, ZWebhookEndpointPatch } from "@/lib/outbound-webhooks/schemas";
import { endpointJson } from "@/lib/outbound-webhooks/serialize";

const NOT_FOUND = { "404": "No such endpoint (or another customer's)" };

export const GET = route(
  {
    path: "/api/v1/webhook-endpoints/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Webhooks",
      response: ZWebhookEndpointJson,
      summary: "A webhook endpoint",
      responses: { "200": "OK", ...NOT_FOUND },
    },
  },
  async ({ actor, params }) => endpointJson(await findEndpoint(endpointScope(actor), params.id)),
);

export const PATCH = route(
  {
    path: "/api/v1/webhook-endpoints/{id}",
    auth: "any",
    params: ZIdParams,
    body: ZWebhookEndpointPatch,
    doc: {
      tag: "Webhooks",
      response: ZWebhookEndpointJson,
      summary: "Change an endpoint's URL, description or event types; disable or re-enable it",
      responses: { "200": "OK", "400": "Invalid field", "403": "A member", ...NOT_FOUND },
    },
  },
  async ({ actor, params, body }) =>
    endpointJson(
      await updateEndpoint(endpointScope(actor, { change: true }), params.id, {
        url: body.url,
        description: body.description,
        eventTypes: body.event_types,
        enabled: body.enabled,
      }),
    ),
);

export const DELETE = route(
  {
    path: "/api/v1/webhook-endpoints/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Webhooks",
      response: ZWebhookDeletedJson,
      summary: "Delete an endpoint and its delivery log",
      responses: { "200": "OK", "403": "A member", ...NOT_FOUND },
    },
  },
  async ({ actor, params }) => {
    await deleteEndpoint(endpointScope(actor, { change: true }), params.id);
    return { id: params.id, deleted: true as const };
  },
);
