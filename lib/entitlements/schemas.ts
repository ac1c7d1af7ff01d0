// Response shapes of the entitlement reads of boolean and numeric features and of the list of a
// customer's features (the metered check keeps its own shape, lib/metering/schemas.ts).
import { z } from "zod";
import { FEATURE_KINDS } from "@/lib/db/schema/catalog";
import { GRANT_SOURCES } from "./precedence";

const ZValue = z.union([z.boolean(), z.number()]).nullable();

/** GET /api/v1/entitlements/{feature} for a boolean or numeric feature. */
export const ZFeatureEntitlementJson = z.strictObject({
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  feature: z.string(),
  kind: z.enum(["boolean", "numeric"]),
  name: z.string(),
  unit: z.string().nullable(),
  allowed: z.boolean(),
  reason: z.enum(["no_subscription", "payment_pending", "payment_overdue", "granted", "not_granted", "below_quantity"]),
  value: ZValue.describe("true/false, or the number granted; null when not granted"),
  source: z.enum(GRANT_SOURCES).nullable().describe("Where the value comes from: override > add_on > plan"),
  plan: z.string().nullable(),
  message: z.string().nullable().optional(),
});
export type FeatureEntitlementJson = z.infer<typeof ZFeatureEntitlementJson>;

export const ZEntitlementListQuery = z.object({
  customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Tally id or external id; required for operators."),
  external_customer_id: z.string().trim().min(1).max(200).optional(),
});

export const ZEntitlementItemJson = z.strictObject({
  feature: z.string(),
  kind: z.enum(FEATURE_KINDS),
  name: z.string(),
  unit: z.string().nullable(),
  value: ZValue.describe("Boolean and numeric: the value; metered: the limit, null for unlimited"),
  enforcement: z.enum(["soft", "hard"]).nullable().describe("Metered: how the limit is enforced"),
  source: z.enum(GRANT_SOURCES),
});

/** GET /api/v1/entitlements?customer_id=…: every feature the customer has now. */
export const ZEntitlementListJson = z.strictObject({
  object: z.literal("list"),
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  plan: z.string().nullable(),
  subscription_status: z.string().nullable(),
  access: z
    .enum(["full", "paused", "none"])
    .describe("none: no live subscription; paused: a first payment pending or a payment overdue past grace"),
  data: z.array(ZEntitlementItemJson),
});
export type EntitlementItemJson = z.infer<typeof ZEntitlementItemJson>;
export type EntitlementListJson = z.infer<typeof ZEntitlementListJson>;
