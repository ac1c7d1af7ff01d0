import { z } from "zod";

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
  });

export const ZSubscriptionList = z.object({
  customer_id: z.string().optional(),
  status: z.enum(["incomplete", "trialing", "active", "past_due", "canceled", "expired"]).optional(),
});
