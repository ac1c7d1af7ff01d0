// Request and response shapes of coupons and promotion codes (zod; the OpenAPI document is built from them).
import { z } from "zod";
import { COUPON_APPLIES_TO, COUPON_DURATIONS } from "@/lib/db/schema/coupons";
import { D, isDecimalString, SUPPORTED_CURRENCIES } from "@/lib/money";
import { ZPage } from "@/lib/http/schemas";

const INT4_MAX = 2_147_483_647;
const ZHandle = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "use letters, digits, _ and - (starting with a letter or digit)")
  .transform((s) => s.toUpperCase());
const ZPercent = z
  .string()
  .trim()
  .refine(isDecimalString, "must be a decimal number such as 20 or 12.5")
  .refine((s) => isDecimalString(s) && new D(s).gt(0) && new D(s).lte(100), "must be more than 0 and at most 100");
const ZLimit = z.number().int("must be a whole number").min(1, "must be at least 1").max(INT4_MAX);
const ZTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const ZCouponCreate = z
  .strictObject({
    code: ZHandle,
    name: z.string().trim().min(1, "must not be empty").max(200),
    percent_off: ZPercent.optional(),
    /** Minor units of `currency`. */
    amount_off_cents: z
      .number()
      .int("must be whole minor units")
      .min(1, "must be at least 1")
      .max(Number.MAX_SAFE_INTEGER)
      .optional(),
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .refine((c) => (SUPPORTED_CURRENCIES as readonly string[]).includes(c), "is not a supported currency")
      .optional(),
    duration: z.enum(COUPON_DURATIONS),
    duration_in_months: z.number().int().min(1, "must be at least 1").max(120).optional(),
    applies_to: z.enum(COUPON_APPLIES_TO).default("plan"),
    plan_codes: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
    max_redemptions: ZLimit.optional(),
    redeem_by: ZTime.optional(),
  })
  .superRefine((c, ctx) => {
    const has = (c.percent_off !== undefined ? 1 : 0) + (c.amount_off_cents !== undefined ? 1 : 0);
    if (has !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["percent_off"],
        message: "give exactly one of percent_off and amount_off_cents",
      });
    if (c.amount_off_cents !== undefined && !c.currency)
      ctx.addIssue({ code: "custom", path: ["currency"], message: "is required with amount_off_cents" });
    if (c.percent_off !== undefined && c.currency)
      ctx.addIssue({ code: "custom", path: ["currency"], message: "goes only with amount_off_cents" });
    if (c.duration === "repeating" && c.duration_in_months === undefined)
      ctx.addIssue({ code: "custom", path: ["duration_in_months"], message: "is required for a repeating coupon" });
    if (c.duration !== "repeating" && c.duration_in_months !== undefined)
      ctx.addIssue({ code: "custom", path: ["duration_in_months"], message: "goes only with duration repeating" });
  })
  .meta({
    example: {
      code: "LAUNCH20",
      name: "Launch: 20 % off for 3 months",
      percent_off: "20",
      duration: "repeating",
      duration_in_months: 3,
      applies_to: "plan",
    },
  });
export type CouponCreate = z.infer<typeof ZCouponCreate>;

export const ZCouponJson = z.strictObject({
  object: z.literal("coupon"),
  id: z.string(),
  code: z.string(),
  name: z.string(),
  percent_off: z.string().nullable(),
  amount_off_cents: z.number().int().nullable(),
  currency: z.string().nullable(),
  duration: z.enum(COUPON_DURATIONS),
  duration_in_months: z.number().int().nullable(),
  applies_to: z.enum(COUPON_APPLIES_TO),
  plan_codes: z.array(z.string()),
  max_redemptions: z.number().int().nullable(),
  times_redeemed: z.number().int(),
  redeem_by: z.string().nullable(),
  stripe_coupon_id: z.string().nullable(),
  created_at: z.string(),
});
export type CouponJson = z.infer<typeof ZCouponJson>;
export const ZCouponPage = ZPage(ZCouponJson);

export const ZPromotionCodeCreate = z
  .strictObject({
    coupon_id: z.string().trim().min(1).max(100),
    code: ZHandle,
    active: z.boolean().default(true),
    expires_at: ZTime.optional(),
    max_redemptions: ZLimit.optional(),
    first_time_transaction: z.boolean().default(false),
  })
  .meta({ example: { coupon_id: "cpn_01jcoupon0example", code: "SPRING", max_redemptions: 100 } });
export type PromotionCodeCreate = z.infer<typeof ZPromotionCodeCreate>;

export const ZPromotionCodeJson = z.strictObject({
  object: z.literal("promotion_code"),
  id: z.string(),
  code: z.string(),
  coupon: ZCouponJson,
  active: z.boolean(),
  expires_at: z.string().nullable(),
  max_redemptions: z.number().int().nullable(),
  times_redeemed: z.number().int(),
  first_time_transaction: z.boolean(),
  stripe_promotion_code_id: z.string().nullable(),
  created_at: z.string(),
});
export type PromotionCodeJson = z.infer<typeof ZPromotionCodeJson>;
export const ZPromotionCodePage = ZPage(ZPromotionCodeJson);

export const ZPromotionCodePatch = z.strictObject({ active: z.boolean() }).meta({ example: { active: false } });

/** A code a customer types: trimmed, matched case-insensitively. */
export const ZPromotionCodeInput = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64)
  .transform((s) => s.toUpperCase());

export const ZApplyCoupon = z.strictObject({
  coupon_id: z.string().trim().min(1).max(100).optional(),
  promotion_code: ZPromotionCodeInput.optional(),
});
