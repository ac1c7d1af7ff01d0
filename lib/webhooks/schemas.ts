import { z } from "zod";
import { WEBHOOK_STATUSES } from "@/lib/db/schema/webhooks";

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
