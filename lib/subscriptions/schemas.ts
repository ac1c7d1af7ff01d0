import { z } from "zod";
import { ZPage } from "@/lib/http/schemas";
import { PLAN_INTERVALS } from "@/lib/db/schema/catalog";
import { SUBSCRIPTION_STATUSES } from "@/lib/db/schema/subscriptions";

export const ZSubscriptionCreate = z
  .strictObject({
    customer_id: z.string().min(1).optional(),
    external_customer_id: z.string().min(1).optional(),
    /** A plan code (its newest version) or a plan id. */
    plan: z.string().trim().min(1, "name a plan by code or id"),
    external_id: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[\w.:@-]+$/, "use letters, digits and . _ : @ - only")
      .optional(),
    skip_trial: z.boolean().default(false),
  })
  .refine((v) => v.customer_id || v.external_customer_id, {
    path: ["customer_id"],
    message: "required: name the customer (customer_id or external_customer_id)",
  })
  .meta({ example: { customer_id: "org_01jcustomer0example", plan: "pro" } });

export const ZSubscriptionList = z.object({
  customer_id: z.string().optional(),
  status: z.enum(["incomplete", "trialing", "active", "past_due", "canceled", "expired"]).optional(),
});

// ————— responses (lib/subscriptions/serialize.ts returns this type) —————

export const ZSubscriptionJson = z.strictObject({
  id: z.string(),
  object: z.literal("subscription"),
  customer_id: z.string(),
  external_id: z.string().nullable(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  plan: z.strictObject({
    id: z.string(),
    code: z.string(),
    version: z.number().int(),
    name: z.string(),
    tier: z.string(),
  }),
  interval: z.enum(PLAN_INTERVALS),
  amount: z.string(),
  amount_cents: z.number().int(),
  currency: z.string(),
  current_period_start: z.string(),
  current_period_end: z.string(),
  trial_end: z.string().nullable(),
  cancel_at_period_end: z.boolean(),
  canceled_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  pending_plan_id: z.string().nullable(),
  provider: z.enum(["manual", "local", "stripe"]),
  stripe_subscription_id: z.string().nullable(),
  created_at: z.string(),
});
export const ZSubscriptionPage = ZPage(ZSubscriptionJson);

export type SubscriptionJson = z.infer<typeof ZSubscriptionJson>;
