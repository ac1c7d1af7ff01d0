import { z } from "zod";
import { WEBHOOK_STATUSES } from "@/lib/db/schema/webhooks";
import { ZPage } from "@/lib/http/schemas";

export const ZWebhookList = z.object({
  status: z.enum(WEBHOOK_STATUSES).optional(),
  type: z.string().max(100).optional(),
  cursor: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * What Tally needs of every Stripe event before storing it: an id to store it once by, a type to
 * dispatch on, the time it happened (in whole seconds, as Stripe sends it) and the object it is
 * about. Everything else passes through to the stored payload untouched.
 */
export const ZStripeEventEnvelope = z.looseObject({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().positive(),
  livemode: z.boolean().optional(),
  data: z.looseObject({ object: z.looseObject({ id: z.string().min(1).max(255).optional() }) }),
});

export type StripeEventEnvelope = z.output<typeof ZStripeEventEnvelope>;

// ————— responses —————

/** One stored provider event (GET /api/v1/admin/webhooks); webhookJson returns this type. */
export const ZWebhookEventJson = z.strictObject({
  id: z.string(),
  provider: z.enum(["stripe", "local"]),
  type: z.string(),
  status: z.enum(WEBHOOK_STATUSES),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  customer_id: z.string().nullable(),
  customer_name: z.string().nullable(),
  created_at: z.string(),
  received_at: z.string(),
  processed_at: z.string().nullable(),
});
export const ZWebhookEventPage = ZPage(ZWebhookEventJson);

/** What receiving or replaying a Stripe event answers (a Receipt's body). */
export const ZWebhookReceiptJson = z.strictObject({
  received: z.literal(true),
  duplicate: z.boolean().optional(),
  event_id: z.string(),
  outcome: z.string().optional(),
});

export type WebhookEventJson = z.infer<typeof ZWebhookEventJson>;
export type WebhookReceiptJson = z.infer<typeof ZWebhookReceiptJson>;
