// Request and response shapes of the webhook-endpoint API (client-safe: no server imports).
import { z } from "zod";
import { ZCursor, ZLimit } from "@/lib/http/schemas";
import { WEBHOOK_EVENT_TYPES } from "./event-types";

const ZCustomerRef = {
  customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "Operators: the customer whose endpoints these are (Tally id or external id); left out, the installation's own.",
    ),
  external_customer_id: z.string().trim().min(1).max(200).optional(),
};

const ZUrl = z.string().trim().min(1).max(2000).describe("Where events are POSTed (http or https)");
const ZEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .describe("Event types to receive; empty or left out: all");

export const ZWebhookEndpointCreate = z.strictObject({
  url: ZUrl,
  description: z.string().trim().max(500).optional(),
  event_types: ZEventTypes.optional(),
  ...ZCustomerRef,
});
export const ZWebhookEndpointList = z.object(ZCustomerRef);
export const ZWebhookEndpointPatch = z.strictObject({
  url: ZUrl.optional(),
  description: z.string().trim().max(500).optional(),
  event_types: ZEventTypes.optional(),
  enabled: z.boolean().optional().describe("false: stop sending; true: send again (clears an automatic disable)"),
});
export const ZWebhookDeliveryList = z.object({
  status: z.enum(["pending", "delivered", "failed"]).optional(),
  limit: ZLimit(100, 20),
  cursor: ZCursor,
});

export const ZWebhookEndpointJson = z.strictObject({
  id: z.string(),
  customer_id: z
    .string()
    .nullable()
    .describe("null: the installation's endpoint, which receives every customer's events"),
  url: z.string(),
  description: z.string(),
  event_types: z.array(z.string()),
  status: z.enum(["enabled", "disabled"]),
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  failing_since: z.string().nullable(),
  last_success_at: z.string().nullable(),
  previous_secret_expires_at: z.string().nullable().describe("After a rotation, the old secret also signs until then"),
  created_at: z.string(),
  updated_at: z.string(),
});
export const ZWebhookEndpointWithSecretJson = ZWebhookEndpointJson.extend({
  secret: z
    .string()
    .describe("whsec_…: verify signatures with it (Standard Webhooks); shown on creation and rotation only"),
});
export const ZWebhookEndpointListJson = z.strictObject({
  data: z.array(ZWebhookEndpointJson),
  next_cursor: z.null(),
});
export const ZWebhookDeletedJson = z.strictObject({ id: z.string(), deleted: z.literal(true) });

export const ZWebhookAttemptJson = z.strictObject({
  attempt: z.number().int(),
  at: z.string(),
  url: z.string(),
  request_headers: z.record(z.string(), z.string()),
  response_status: z.number().int().nullable(),
  response_body: z.string().nullable().describe("The first 2 KB of the answer"),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});
export const ZWebhookDeliveryJson = z.strictObject({
  id: z.string(),
  endpoint_id: z.string(),
  message_id: z.string().describe("The webhook-id header: the same on every retry and replay"),
  event_type: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
  replay_of: z.string().nullable(),
  created_at: z.string(),
  attempts_log: z.array(ZWebhookAttemptJson),
});
export const ZWebhookDeliveryListJson = z.strictObject({
  data: z.array(ZWebhookDeliveryJson),
  next_cursor: z.string().nullable(),
});

export type WebhookEndpointJson = z.infer<typeof ZWebhookEndpointJson>;
export type WebhookDeliveryJson = z.infer<typeof ZWebhookDeliveryJson>;

// The pages' forms. Each event type is a checkbox named `event:<type>` (a form sends a repeated name
// once per box, and the form actions read one value per name); none ticked means every type.
export const EVENT_FIELD_PREFIX = "event:";
const pickEventTypes = (raw: Record<string, unknown>) =>
  WEBHOOK_EVENT_TYPES.filter((t) => raw[`${EVENT_FIELD_PREFIX}${t}`] !== undefined);

const endpointFormFields = {
  url: z.string().trim().min(1, "Enter the URL Tally should POST events to.").max(2000),
  description: z.string().trim().max(500, "Keep the description under 500 characters.").optional(),
};

export const ZEndpointCreateForm = z
  .looseObject(endpointFormFields)
  .transform((v) => ({ url: v.url, description: v.description ?? "", eventTypes: pickEventTypes(v) }));

/** The admin's form on a customer's page: the same fields, and the customer the endpoint is for. */
export const ZCustomerEndpointCreateForm = z
  .looseObject({
    ...endpointFormFields,
    customer_id: z.string().trim().min(1, "Open a customer's page to add an endpoint for it."),
  })
  .transform((v) => ({
    customerId: v.customer_id,
    url: v.url,
    description: v.description ?? "",
    eventTypes: pickEventTypes(v),
  }));

export const ZEndpointEventsForm = z
  .looseObject({ id: z.string().min(1) })
  .transform((v) => ({ id: v.id, eventTypes: pickEventTypes(v) }));

export const ZEndpointIdForm = z.object({ id: z.string().min(1) });
export const ZEndpointEnabledForm = z.object({ id: z.string().min(1), enabled: z.enum(["true", "false"]) });
