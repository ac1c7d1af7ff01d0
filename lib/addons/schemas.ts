// Request and response shapes of the add-on API: the operator's catalog (/api/v1/addons) and a
// customer's add-ons (/api/v1/billing/addons).
import { z } from "zod";
import { ADDON_CHARGE_KINDS, ADDON_KINDS } from "@/lib/db/schema/addons";
import { PLAN_INTERVALS } from "@/lib/db/schema/catalog";
import { INT4_MAX, ZCode, ZCurrency, ZName, ZPlanFeature } from "@/lib/catalog/schemas";
import { ZPage } from "@/lib/http/schemas";
import { ZBillingCustomer } from "@/lib/payments/schemas";
import { ZDecimal } from "@/lib/rating";

const ZAddonLimit = z.strictObject({
  meter: ZCode.describe("A meter's code"),
  limit: z.number().int("must be a whole number").positive("must be at least 1").max(INT4_MAX),
});

export const ZAddonCreate = z
  .strictObject({
    code: ZCode,
    name: ZName,
    description: z.string().trim().max(2000).default(""),
    kind: z.enum(ADDON_KINDS).describe("recurring: billed each period with the plan; one_time: charged once"),
    interval: z
      .enum(PLAN_INTERVALS)
      .nullish()
      .describe("Recurring: the interval of the plans it is sold with (month when left out); none for one_time"),
    currency: ZCurrency.default("usd"),
    price: ZDecimal.describe("Per unit: per interval (recurring) or once (one_time), in major units"),
    features: z.array(ZPlanFeature).max(100).default([]).describe("Granted per unit; numbers add to the plan's"),
    limits: z.array(ZAddonLimit).max(50).default([]).describe("Added per unit to the plan's limit on the meter"),
    credits: z.number().int().min(0).max(INT4_MAX).default(0).describe("Per unit: each month (recurring) or once"),
    max_quantity: z.number().int().min(1, "must be at least 1").max(10_000).default(1),
    plan_codes: z.array(ZCode).max(100).default([]).describe("Plans it may be added to; empty: every plan"),
  })
  .superRefine((a, ctx) => {
    if (a.kind === "one_time" && a.interval)
      ctx.addIssue({ code: "custom", path: ["interval"], message: "a one-time add-on has no interval" });
  });
export type AddonCreate = z.output<typeof ZAddonCreate>;

export const ZAddonPatch = z
  .strictObject({
    name: ZName.optional(),
    description: z.string().trim().max(2000).optional(),
    archived: z.boolean().optional().describe("Archived: sold no more; subscriptions that hold it keep it"),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type AddonPatch = z.output<typeof ZAddonPatch>;

export const ZAddonList = z.object({
  include_archived: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
});

export const ZAddonJson = z.strictObject({
  id: z.string(),
  object: z.literal("addon"),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(ADDON_KINDS),
  interval: z.enum(PLAN_INTERVALS).nullable(),
  currency: z.string(),
  price: z.string(),
  price_cents: z.number().int(),
  features: z.array(z.strictObject({ feature: z.string(), value: z.union([z.boolean(), z.number()]) })),
  limits: z.array(z.strictObject({ meter: z.string(), limit: z.number() })),
  credits: z.number().int(),
  max_quantity: z.number().int(),
  plan_codes: z.array(z.string()),
  archived: z.boolean(),
  created_at: z.string(),
});
export type AddonJson = z.infer<typeof ZAddonJson>;
export const ZAddonPage = ZPage(ZAddonJson);

/** POST /api/v1/billing/addons: set how many units of an add-on the subscription holds (0 removes it). */
export const ZAddonQuantity = z.strictObject({
  ...ZBillingCustomer,
  addon: z.string().trim().min(1, "must not be empty").max(100).describe("The add-on's id or code"),
  quantity: z.number().int("must be a whole number").min(0, "must not be negative").max(10_000),
  preview: z.boolean().default(false).describe("Answer what the change costs, changing nothing"),
  reason: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(500)
    .optional()
    .describe("Why (an operator's change): kept in the subscription history"),
});

export const ZAddonChangeJson = z.strictObject({
  object: z.literal("addon_change"),
  addon: z.string(),
  from_quantity: z.number().int(),
  quantity: z.number().int(),
  charge_kind: z.enum(ADDON_CHARGE_KINDS).nullable(),
  amount_cents: z
    .number()
    .int()
    .describe(
      "Added to (positive) or taken off (negative) the period's invoice: the prorated change or the one-time price",
    ),
  amount: z.string(),
  currency: z.string(),
  credits_granted: z.number().int(),
  applied: z.boolean(),
});
export type AddonChangeJson = z.infer<typeof ZAddonChangeJson>;

export const ZHeldAddonJson = z.strictObject({
  id: z.string(),
  object: z.literal("subscription_addon"),
  addon: ZAddonJson,
  quantity: z.number().int(),
  started_at: z.string(),
});
export type HeldAddonJson = z.infer<typeof ZHeldAddonJson>;

export const ZCustomerAddonsJson = z.strictObject({
  object: z.literal("list"),
  customer_id: z.string(),
  subscription_id: z.string().nullable(),
  data: z.array(ZHeldAddonJson).describe("The add-ons the subscription holds"),
  available: z.array(ZAddonJson).describe("Add-ons on sale that fit the subscription's plan"),
});
export type CustomerAddonsJson = z.infer<typeof ZCustomerAddonsJson>;
