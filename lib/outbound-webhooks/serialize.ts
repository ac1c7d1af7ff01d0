// Endpoint and delivery rows as the API answers them.
import "server-only";
import type { WebhookEndpoint } from "@/lib/db/schema";
import type { DeliveryWithLog } from "./endpoints";
import type { WebhookDeliveryJson, WebhookEndpointJson } from "./schemas";

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function endpointJson(e: WebhookEndpoint): WebhookEndpointJson {
  return {
    id: e.id,
    customer_id: e.orgId,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    status: e.status,
    disabled_reason: e.disabledReason,
    disabled_at: iso(e.disabledAt),
    failing_since: iso(e.failingSince),
    last_success_at: iso(e.lastSuccessAt),
    previous_secret_expires_at: iso(e.previousSecretExpiresAt),
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export const endpointWithSecretJson = (e: WebhookEndpoint) => ({ ...endpointJson(e), secret: e.secret });

export function deliveryJson(d: DeliveryWithLog): WebhookDeliveryJson {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    message_id: d.messageId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    last_response_status: d.lastResponseStatus,
    last_error: d.lastError,
    delivered_at: iso(d.deliveredAt),
    replay_of: d.replayOf,
    created_at: d.createdAt.toISOString(),
    attempts_log: d.attemptsLog.map((a) => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      url: a.url,
      request_headers: a.requestHeaders,
      response_status: a.responseStatus,
      response_body: a.responseBody,
      error: a.error,
      duration_ms: a.durationMs,
    })),
  };
}
