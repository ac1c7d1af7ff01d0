import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { idempotent } from "@/lib/idempotency/idempotent";
import { endpointScope } from "@/lib/outbound-webhooks/access";
import { sendTestEvent } from "@/lib/outbound-webhooks/endpoints";
import { ZWebhookDeliveryJson } from "@/lib/outbound-webhooks/schemas";
import { deliveryJson } from "@/lib/outbound-webhooks/serialize";

/** What the pages' "Send a test event" does. An Idempotency-Key sends one test event however often it is retried. */
export const POST = route(
  {
    path: "/api/v1/webhook-endpoints/{id}/test",
    auth: "any",
    params: ZIdParams,
    idempotent: "optional-key",
    doc: {
      tag: "Webhooks",
      response: ZWebhookDeliveryJson,
      summary: "Send a webhook.test event to this endpoint now: a new delivery in its log",
      description: IDEMPOTENCY_KEY_DOC,
      responses: {
        "202": "Queued",
        "400": "The endpoint is disabled",
        "403": "A member",
        "404": "No such endpoint (or another customer's)",
      },
    },
  },
  async ({ actor, params, idempotencyKey: key }) => {
    const scope = endpointScope(actor, { change: true });
    const send = async (tx?: Parameters<typeof sendTestEvent>[3]) => ({
      status: 202,
      body: deliveryJson(await sendTestEvent(scope, params.id, new Date(), tx)),
    });
    if (!key) return { ...(await send()), replayed: false };
    const orgId = scope.kind === "customer" ? scope.orgId : null;
    return idempotent({ orgId, scope: "webhook_endpoint.test", key, request: { endpoint_id: params.id } }, send);
  },
);
