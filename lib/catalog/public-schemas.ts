// GET /api/v1/public/plans: what a SaaS's own pricing page needs of the plans on sale, and nothing
// internal (plan codes, not ids; no provider ids).
import { z } from "zod";
import { FEATURE_KINDS, PLAN_INTERVALS } from "@/lib/db/schema/catalog";

const ZPublicFeature = z.strictObject({
  key: z.string(),
  name: z.string(),
  kind: z.enum(FEATURE_KINDS),
  unit: z.string().nullable(),
});

export const ZPublicPlanJson = z.strictObject({
  code: z.string().describe("Names the plan to sign-up and checkout links"),
  tier: z.string().describe("Groups the monthly and yearly prices of one product"),
  name: z.string(),
  description: z.string(),
  interval: z.enum(PLAN_INTERVALS),
  currency: z.string(),
  price: z.string().describe("Decimal amount per interval, e.g. 29.00"),
  price_cents: z.number().int(),
  trial_days: z.number().int(),
  included_credits: z.number().int().describe("Credits granted each month"),
  features: z
    .array(z.strictObject({ feature: z.string(), value: z.union([z.boolean(), z.number()]).nullable() }))
    .describe("This plan's value for each feature in `features` (metered: the monthly limit, null unlimited)"),
});

export const ZPublicPlansJson = z.strictObject({
  object: z.literal("list"),
  intervals: z.array(z.enum(PLAN_INTERVALS)).describe("The intervals some plan on sale is sold at"),
  features: z.array(ZPublicFeature).describe("The features to compare, in display order"),
  data: z.array(ZPublicPlanJson),
});

export type PublicPlanJson = z.infer<typeof ZPublicPlanJson>;
export type PublicPlansJson = z.infer<typeof ZPublicPlansJson>;
export type PublicFeatureJson = z.infer<typeof ZPublicFeature>;
