// Request and response shapes of per-customer overrides. A value is validated by its kind with the
// very schemas plans are validated with: a charge price as a plan's usage charge (ZUsageCharge,
// every price model), a feature value as a plan's feature grant (ZPlanFeature) or a meter limit
// (ZLimit), included credits and trial days as the plan's own fields.
import { z } from "zod";
import { OVERRIDE_KINDS } from "@/lib/db/schema/overrides";
import { ZCode, ZLimit, ZPlanFeature } from "@/lib/catalog/schemas";
import { ZUsageCharge } from "@/lib/rating";
import type { PriceModel } from "@/lib/rating";

const INT4_MAX = 2_147_483_647;

/** A usage charge's price without its meter: a price model, with included units if any. */
export type ChargePriceValue = PriceModel & { included_quantity?: string };
export type FeatureValue = { value: boolean | number } | { limit: number | null; enforcement: "soft" | "hard" };

const ZReason = z.string().trim().min(1, "say why (it is kept in the history)").max(500);
const ZInstant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).transform((s) => new Date(s));

const span = {
  reason: ZReason,
  starts_at: ZInstant.optional().describe("When it starts applying; default now"),
  ends_at: ZInstant.nullable().optional().describe("When it stops applying (exclusive); null or absent: until revoked"),
};

/** The price half of a usage charge: the plan's charge schema with the meter filled in, so every price model and its rules apply. */
const ZChargePrice = z.record(z.string(), z.unknown()).transform((v, ctx): ChargePriceValue => {
  const parsed = ZUsageCharge.safeParse({ ...v, type: "usage", meter: "_" });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path } as never);
    return z.NEVER;
  }
  const { type: _t, meter: _m, name: _n, usage_billing: _u, ...price } = parsed.data;
  return price as ChargePriceValue;
});

const ZFeatureValue = z.union([
  ZPlanFeature.pick({ value: true }),
  z.strictObject({
    limit: ZLimit.shape.limit.nullable().describe("The metered feature's limit; null: unlimited"),
    enforcement: ZLimit.shape.enforcement,
  }),
]);

export const ZOverrideCreate = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("charge_price"),
    target: ZCode.describe("The meter whose usage charge is repriced").meta({ example: "api_calls" }),
    value: ZChargePrice.describe(
      "A price model as in a plan's usage charge, e.g. {model: 'per_unit', unit_price: '0.01'}",
    ).meta({ example: { model: "per_unit", unit_price: "0.02" } }),
    ...span,
  }),
  z.strictObject({
    kind: z.literal("feature"),
    target: ZCode.describe("The feature's key (a meter's code for a metered feature)"),
    value: ZFeatureValue.describe(
      "{value: true|false|n} for a boolean or numeric feature; {limit, enforcement} for a metered one",
    ),
    ...span,
  }),
  z.strictObject({
    kind: z.literal("included_credits"),
    value: z.strictObject({
      credits: z.number().int("must be a whole number of credits").min(0, "must not be negative").max(INT4_MAX),
    }),
    ...span,
  }),
  z.strictObject({
    kind: z.literal("trial_days"),
    value: z.strictObject({
      days: z
        .number()
        .int("must be a whole number of days")
        .min(0, "must not be negative")
        .max(365, "must be 365 days or fewer"),
    }),
    ...span,
  }),
]);
export type OverrideCreate = z.output<typeof ZOverrideCreate>;

export const ZOverrideParams = z.object({ id: z.string().min(1).max(200), overrideId: z.string().min(1).max(200) });

export const ZOverrideJson = z.strictObject({
  id: z.string(),
  object: z.literal("customer_override"),
  customer_id: z.string(),
  kind: z.enum(OVERRIDE_KINDS),
  target: z.string().nullable(),
  value: z.record(z.string(), z.unknown()),
  reason: z.string(),
  starts_at: z.string(),
  ends_at: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  revoked_by: z.string().nullable(),
  status: z.enum(["scheduled", "active", "ended", "revoked"]),
});
export type OverrideJson = z.infer<typeof ZOverrideJson>;

export const ZOverrideList = z.strictObject({ object: z.literal("list"), data: z.array(ZOverrideJson) });
