// Request shapes of the catalog API (validated with zod; the OpenAPI document is built from them).
import { z } from "zod";
import { ZPage } from "@/lib/http/schemas";
import { AGGREGATIONS, FEATURE_KINDS, PLAN_INTERVALS, PLAN_SOURCES, PLAN_STATUSES } from "@/lib/db/schema/catalog";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import { PLAN_STRIPE_STATUSES } from "./plan-stripe-status";
import { ZCharge, ZDecimal } from "@/lib/rating";

export const ZCode = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "use lowercase letters, digits and . _ - (starting with a letter or digit)");

export const ZName = z.string().trim().min(1, "must not be empty").max(200);

// Credits, trial days and sort orders are stored in 32-bit integer columns: a larger number must be
// refused here as a field error, not by the database as a 500.
export const INT4_MAX = 2_147_483_647;
const ZCatalogCredits = z
  .number()
  .int("must be a whole number of credits")
  .positive("must be at least 1")
  .max(INT4_MAX, `must be at most ${INT4_MAX}`);
const ZIncludedCredits = z.number().int().min(0).max(INT4_MAX, `must be at most ${INT4_MAX}`);
const ZSortOrder = z
  .number()
  .int()
  .min(-INT4_MAX - 1)
  .max(INT4_MAX, `must be at most ${INT4_MAX}`);
export const ZCurrency = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (c) => (SUPPORTED_CURRENCIES as readonly string[]).includes(c),
    `must be one of ${SUPPORTED_CURRENCIES.join(", ")}`,
  );
const ZProperty = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.-]+$/, "use letters, digits and . _ - only");

export const ZMeterCreate = z
  .strictObject({
    code: ZCode,
    name: ZName,
    event_name: z.string().trim().min(1, "must not be empty").max(200),
    aggregation: z.enum(AGGREGATIONS),
    property: ZProperty.nullish(),
    filters: z.record(ZProperty, z.array(z.string()).min(1, "list at least one value")).default({}),
    group_by: z.array(ZProperty).max(3, "at most 3 properties").default([]),
    unit: z.string().trim().min(1).max(50).default("unit"),
    /** Sum meters: accept negative values (corrections). Off by default: a negative value rejects the event. */
    allow_negative: z.boolean().default(false),
  })
  .superRefine((m, ctx) => {
    if (m.allow_negative && m.aggregation !== "sum")
      ctx.addIssue({
        code: "custom",
        path: ["allow_negative"],
        message: "only a sum meter adds negative values up; leave it out",
      });
    if (m.aggregation !== "count" && !m.property)
      ctx.addIssue({
        code: "custom",
        path: ["property"],
        message: `required for ${m.aggregation}: name the event property to read`,
      });
    if (m.aggregation === "count" && m.property)
      ctx.addIssue({ code: "custom", path: ["property"], message: "a count meter reads no property; leave it out" });
  });

/** A meter's definition shapes the rollups written at ingest, so only its labels may change. */
export const ZMeterPatch = z
  .strictObject({
    name: ZName.optional(),
    unit: z.string().trim().min(1).max(50).optional(),
    archived: z.boolean().optional(),
    allow_negative: z.boolean().optional(),
  })
  // An empty change would reach the database as an UPDATE with nothing to set (a 500).
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const ZLimit = z.strictObject({
  meter: ZCode,
  limit: z.number().int("must be a whole number").nonnegative("must not be negative"),
  enforcement: z.enum(["soft", "hard"]).default("hard"),
});

/** A boolean or numeric feature a plan grants: true/false, or a whole number (seats). */
export const ZPlanFeature = z.strictObject({
  feature: ZCode.describe("The feature's key"),
  value: z.union([
    z.boolean(),
    z.number().int("must be a whole number").nonnegative("must not be negative").max(INT4_MAX),
  ]),
});

const planTerms = {
  interval: z.enum(PLAN_INTERVALS),
  currency: ZCurrency.default("usd"),
  base_price: ZDecimal.default("0"),
  trial_days: z
    .number()
    .int("must be a whole number of days")
    .min(0, "must not be negative")
    .max(365, "must be 365 days or fewer")
    .default(0),
  included_credits: ZIncludedCredits.default(0),
  limits: z.array(ZLimit).default([]),
  features: z.array(ZPlanFeature).max(100).default([]),
  charges: z.array(ZCharge).max(50).default([]),
};

export const ZPlanCreate = z
  .strictObject({
    code: ZCode,
    name: ZName,
    description: z.string().trim().max(2000).default(""),
    tier: ZCode.optional(),
    /**
     * Where the plan starts its life cycle. Left out, `active` decides as before: on sale unless
     * `active: false` (a draft). Both given, they must agree.
     */
    status: z.enum(["draft", "on_sale"]).optional(),
    active: z.boolean().optional(),
    /** Offered in the customer's plan picker (false for plans an admin assigns, such as agent pricing). */
    self_serve: z.boolean().default(true),
    /** When a subscriber's credits run out: true overage, false stop, null the organization's own setting. */
    allow_overage: z
      .boolean()
      .nullable()
      .default(null)
      .describe(
        "When a subscriber's credits run out: true continues as overage billed in arrears, false stops (entitlements refuse, consume 402); null (default) leaves it to the customer's own allow_overage",
      ),
    sort_order: ZSortOrder.default(0),
    ...planTerms,
  })
  .refine((p) => p.status === undefined || p.active === undefined || p.active === (p.status === "on_sale"), {
    path: ["status"],
    message: "disagrees with active; send one of them",
  });

/** Labels change in place; any billing term (price, interval, charges, credits, limits, trial) makes a new version. */
export const ZPlanPatch = z
  .strictObject({
    name: ZName.optional(),
    description: z.string().trim().max(2000).optional(),
    sort_order: ZSortOrder.optional(),
    active: z.boolean().optional(),
    /** on_sale puts a draft on sale or an off-sale plan back; off_sale takes it off; draft only while it still is one. */
    status: z.enum(PLAN_STATUSES).optional(),
    self_serve: z.boolean().optional(),
    allow_overage: z
      .boolean()
      .nullable()
      .optional()
      .describe("Stop (false) or overage (true) when a subscriber's credits run out; null: the customer's own setting"),
    interval: planTerms.interval.optional(),
    currency: ZCurrency.optional(),
    base_price: ZDecimal.optional(),
    trial_days: planTerms.trial_days.unwrap().optional(),
    included_credits: ZIncludedCredits.optional(),
    limits: z.array(ZLimit).optional(),
    features: z.array(ZPlanFeature).max(100).optional(),
    charges: z.array(ZCharge).max(50).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change")
  .refine((p) => p.status === undefined || p.active === undefined || p.active === (p.status === "on_sale"), {
    path: ["status"],
    message: "disagrees with active; send one of them",
  })
  .meta({ example: { name: "Pro (2027)", base_price: "59.00" } });

export const ZFeatureCreate = z
  .strictObject({
    key: ZCode.describe("Stable key clients check (`sso`, `seats`); a metered feature's key is its meter's code"),
    kind: z.enum(FEATURE_KINDS),
    name: ZName,
    unit: z.string().trim().min(1).max(50).nullish().describe("What a numeric feature counts (seat)"),
    sort_order: ZSortOrder.default(0),
  })
  .superRefine((f, ctx) => {
    if (f.unit && f.kind !== "numeric")
      ctx.addIssue({
        code: "custom",
        path: ["unit"],
        message: `a ${f.kind} feature has no unit of its own; leave it out`,
      });
  });

/** The key and kind are what clients and plans rely on: only the labels change, and a feature can be archived. */
export const ZFeaturePatch = z
  .strictObject({
    name: ZName.optional(),
    unit: z.string().trim().min(1).max(50).nullable().optional(),
    sort_order: ZSortOrder.optional(),
    archived: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const ZFeatureList = z.object({
  include_archived: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
});

export const ZPlanList = z.object({
  include_inactive: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
  interval: z.enum(PLAN_INTERVALS).optional(),
});

export const ZCreditEventCreate = z.strictObject({
  code: ZCode,
  name: ZName,
  description: z.string().trim().max(2000).default(""),
  credits: ZCatalogCredits,
  category: z.string().trim().min(1).max(100).default("general"),
  active: z.boolean().default(true),
});

export const ZCreditEventPatch = z
  .strictObject({
    name: ZName.optional(),
    description: z.string().trim().max(2000).optional(),
    credits: ZCatalogCredits.optional(),
    category: z.string().trim().min(1).max(100).optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const ZCreditProductCreate = z.strictObject({
  code: ZCode,
  name: ZName,
  credits: ZCatalogCredits,
  price: ZDecimal,
  currency: ZCurrency.default("usd"),
  active: z.boolean().default(true),
});

export const ZCreditProductPatch = z
  .strictObject({ name: ZName.optional(), active: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const ZModelPriceCreate = z.strictObject({
  provider: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(200),
  input_price_per_token: ZDecimal,
  output_price_per_token: ZDecimal,
  currency: ZCurrency.default("usd"),
  effective_from: z.iso.datetime({ offset: true }).optional(),
});

export type MeterCreate = z.output<typeof ZMeterCreate>;
export type MeterPatch = z.output<typeof ZMeterPatch>;
export type PlanCreate = z.output<typeof ZPlanCreate>;
export type PlanPatch = z.output<typeof ZPlanPatch>;
export type FeatureCreate = z.output<typeof ZFeatureCreate>;
export type FeaturePatch = z.output<typeof ZFeaturePatch>;

// ————— responses (the serializers in ./serialize.ts return these types) —————

export const ZMeterJson = z.strictObject({
  id: z.string(),
  object: z.literal("meter"),
  code: z.string(),
  name: z.string(),
  event_name: z.string(),
  aggregation: z.enum(AGGREGATIONS),
  property: z.string().nullable(),
  filters: z.record(z.string(), z.array(z.string())),
  group_by: z.array(z.string()),
  unit: z.string(),
  allow_negative: z.boolean(),
  archived: z.boolean(),
  created_at: z.string(),
});
export const ZMeterPage = ZPage(ZMeterJson);

export const ZPlanJson = z.strictObject({
  id: z.string(),
  object: z.literal("plan"),
  code: z.string(),
  version: z.number().int(),
  tier: z.string(),
  name: z.string(),
  description: z.string(),
  interval: z.enum(PLAN_INTERVALS),
  currency: z.string(),
  base_price: z.string(),
  base_price_cents: z.number().int(),
  trial_days: z.number().int(),
  included_credits: z.number().int(),
  limits: z.array(
    z.strictObject({ meter: z.string(), limit: z.number().int(), enforcement: z.enum(["soft", "hard"]) }),
  ),
  features: z.array(z.strictObject({ feature: z.string(), value: z.union([z.boolean(), z.number().int()]) })),
  charges: z.array(ZCharge),
  active: z.boolean(),
  /** draft (offered to no one) → on_sale → off_sale (and back on sale). `active` is true exactly when on_sale. */
  status: z.enum(PLAN_STATUSES),
  self_serve: z.boolean(),
  allow_overage: z.boolean().nullable(),
  is_latest: z.boolean(),
  source: z.enum(PLAN_SOURCES),
  stripe_product_id: z.string().nullable(),
  stripe_price_id: z.string().nullable(),
  /** Whether the linked Stripe price and product are what this version says (POST /api/v1/plans/{id}/publish). */
  stripe_status: z.enum(PLAN_STRIPE_STATUSES),
  created_at: z.string(),
  archived_at: z.string().nullable(),
});
export const ZPlanPage = ZPage(ZPlanJson);
/** POST /api/v1/plans/{id}/publish: the plan as linked now, what publishing did, and the price it archived. */
export const ZPlanPublishJson = ZPlanJson.extend({
  publish_outcome: z.enum(["published", "updated", "unchanged"]),
  archived_price_id: z.string().nullable(),
});
/**
 * What an edit of a plan published to Stripe did there (lib/catalog/publish-plan.ts publishIfLinked):
 * not_linked (never published, or Stripe is not the rail), published (outcome as the publish route's), or
 * failed (the edit is kept; stripe_status says out_of_step until it is published again).
 */
export const ZPlanStripePublish = z.strictObject({
  status: z.enum(["not_linked", "published", "failed"]),
  outcome: z.enum(["published", "updated", "unchanged"]).nullable(),
  message: z.string().nullable(),
});
/** PATCH /api/v1/plans/{id}: the plan as it now is, whether the change made a new version, and what Stripe was told. */
export const ZPlanChangeJson = ZPlanJson.extend({ new_version: z.boolean(), stripe_publish: ZPlanStripePublish });
/** POST /api/v1/plans/{id}/archive: the plan off sale, and what Stripe was told (its price archived when published). */
export const ZPlanArchiveJson = ZPlanJson.extend({ stripe_publish: ZPlanStripePublish });

export const ZFeatureJson = z.strictObject({
  id: z.string(),
  object: z.literal("feature"),
  key: z.string(),
  kind: z.enum(FEATURE_KINDS),
  name: z.string(),
  unit: z.string().nullable(),
  sort_order: z.number().int(),
  archived: z.boolean(),
  created_at: z.string(),
});
export const ZFeaturePage = ZPage(ZFeatureJson);
export type FeatureJson = z.infer<typeof ZFeatureJson>;

export const ZCreditEventJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_event"),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  credits: z.number().int(),
  category: z.string(),
  active: z.boolean(),
  created_at: z.string(),
});
export const ZCreditEventPage = ZPage(ZCreditEventJson);

export const ZCreditProductJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_product"),
  code: z.string(),
  name: z.string(),
  credits: z.number().int(),
  price: z.string(),
  price_cents: z.number().int(),
  currency: z.string(),
  active: z.boolean(),
  stripe_price_id: z.string().nullable(),
});
export const ZCreditProductPage = ZPage(ZCreditProductJson);

export const ZModelPriceJson = z.strictObject({
  id: z.string(),
  object: z.literal("model_price"),
  provider: z.string(),
  model: z.string(),
  input_price_per_token: z.string(),
  output_price_per_token: z.string(),
  currency: z.string(),
  effective_from: z.string(),
});
export const ZModelPricePage = ZPage(ZModelPriceJson);

export type MeterJson = z.infer<typeof ZMeterJson>;
export type PlanJson = z.infer<typeof ZPlanJson>;
export type CreditEventJson = z.infer<typeof ZCreditEventJson>;
export type CreditProductJson = z.infer<typeof ZCreditProductJson>;
export type ModelPriceJson = z.infer<typeof ZModelPriceJson>;

/** POST /api/v1/plans/import: what the import created or changed (importPlans returns this type). */
export const ZPlanImportReportJson = z.strictObject({
  synced_count: z.number().int(),
  plan_ids: z.array(z.string()),
  created: z.number().int(),
  updated: z.number().int(),
  versioned: z.number().int(),
  unchanged: z.number().int(),
});

/** POST /api/v1/plans/sync and /plans/sync/{plan_id}: the import's counts, plus prices archived or skipped. */
export const ZPlanSyncReportJson = ZPlanImportReportJson.extend({
  archived: z.number().int(),
  skipped: z.array(z.strictObject({ price_id: z.string(), reason: z.string() })),
});

export type PlanImportReportJson = z.infer<typeof ZPlanImportReportJson>;
export type PlanSyncReportJson = z.infer<typeof ZPlanSyncReportJson>;

// ————— the admin's plan editor (server actions, not the HTTP API) —————

/** The amount at which subscribers are invoiced mid-period (threshold invoicing); empty or null turns it off. */
const ZEditorThreshold = z
  .union([z.literal("").transform(() => null), ZDecimal])
  .nullable()
  .default(null);

export const ZPlanEditorCreate = ZPlanCreate.extend({ billing_threshold: ZEditorThreshold });

/** Everything the editor shows of an existing plan; the code and tier are fixed once created. */
export const ZPlanEditorEdit = z.strictObject({
  id: z.string().min(1),
  name: ZName,
  description: z.string().trim().max(2000),
  self_serve: z.boolean(),
  interval: planTerms.interval,
  currency: ZCurrency,
  base_price: ZDecimal,
  trial_days: planTerms.trial_days.unwrap(),
  included_credits: ZIncludedCredits,
  limits: z.array(ZLimit),
  features: z.array(ZPlanFeature).max(100).optional(),
  charges: z.array(ZCharge).max(50),
  billing_threshold: ZEditorThreshold,
});
export type PlanEditorCreate = z.output<typeof ZPlanEditorCreate>;
export type PlanEditorEdit = z.output<typeof ZPlanEditorEdit>;
