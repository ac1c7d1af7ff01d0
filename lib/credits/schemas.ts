// Request and response shapes of the credits API (zod), shared by the routes and the OpenAPI
// document; the browser's hooks and components use the inferred response types.
import { z } from "zod";
import { AUTO_TOP_UP_STATUSES } from "@/lib/db/schema/auto-top-up";
import { CREDIT_SOURCES, GRANT_ORIGINS, LEDGER_KINDS } from "@/lib/db/schema/credits";
import { ZCursor, ZIdempotencyKey, ZIsoDate, ZLimit, ZPage } from "@/lib/http/schemas";
import { isDecimalString } from "@/lib/money";
import { normalizeQuantity } from "./credits-for-event";
import { validatePrecedence } from "./precedence";
import { MAX_TTL_SECONDS } from "./reservation-limits";

const ZCredits = z
  .number()
  .int("must be a whole number of credits")
  .positive("must be positive")
  .max(1e12, "is too large");
const ZReason = z.string().trim().min(1, "say why").max(500);
const ZReference = z.string().trim().min(1).max(200);

/** Operators name the customer (Tally id or external id); customers may omit it. */
export const ZCustomerRef = {
  customer_id: z.string().trim().min(1).max(100).optional(),
  external_customer_id: z.string().trim().min(1).max(200).optional(),
};

const ZQuantity = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const q = normalizeQuantity(v);
  if (q === null) {
    ctx.addIssue({ code: "custom", message: "must be a positive number" });
    return z.NEVER;
  }
  return q;
});

export const ZConsumeCredits = z
  .object({
    ...ZCustomerRef,
    organization_id: ZCustomerRef.external_customer_id.describe(
      "The credits guide's name for the customer (its external id, or Tally's id). A request naming it may leave out the idempotency key: Tally then makes one, answers it and counts the request apart (not safe to retry)",
    ),
    event_name: z.string().trim().min(1).max(100).optional(),
    quantity: ZQuantity.optional(),
    credits: ZCredits.optional(),
    idempotency_key: ZIdempotencyKey.optional(),
    reference: ZReference.optional().describe("What the spend answers to, e.g. a call id"),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.organization_id && (v.customer_id || v.external_customer_id))
      ctx.addIssue({
        code: "custom",
        path: ["organization_id"],
        message: "name the customer once: organization_id, customer_id or external_customer_id",
      });
    if (v.event_name && v.credits !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["credits"],
        message: "send event_name and quantity, or credits — not both",
      });
    if (!v.event_name && v.credits === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["event_name"],
        message: "required: a credit event (with quantity), or send credits",
      });
    if (!v.event_name && v.quantity !== undefined)
      ctx.addIssue({ code: "custom", path: ["quantity"], message: "quantity goes with event_name" });
  })
  .meta({
    example: {
      customer_id: "org_01jcustomer0example",
      event_name: "api_call",
      quantity: 1,
      idempotency_key: "5f0c2a9e-8d1b-4c57-9a3e-2b7d61f04c18",
    },
  })
  // organization_id names the customer as external_customer_id does (external id first, then Tally's id).
  .transform((v) => ({ ...v, external_customer_id: v.external_customer_id ?? v.organization_id }));

export const ZCreateReservation = z
  .object({
    ...ZCustomerRef,
    credits: ZCredits,
    ttl_seconds: z.number().int().min(1).max(MAX_TTL_SECONDS, `at most ${MAX_TTL_SECONDS} (7 days)`).default(300),
    idempotency_key: ZIdempotencyKey.optional(),
    reference: ZReference.optional().describe("What the hold is for, e.g. a call id"),
  })
  .strict();

export const ZCommitReservation = z
  .object({
    customer_id: ZCustomerRef.customer_id,
    credits: z.number().int("must be a whole number of credits").min(0, "must not be negative").max(1e12),
  })
  .strict();

export const ZReleaseReservation = z.object({ customer_id: ZCustomerRef.customer_id }).strict();

export const ZReservationParams = z.object({ id: z.string().min(1).max(100) });

const ZExpiry = z.union([ZIsoDate, z.null()]).optional();

export const ZGrantCredits = z
  .object({
    ...ZCustomerRef,
    amount: ZCredits,
    source: z.enum(CREDIT_SOURCES).default("promotional"),
    expires_at: ZExpiry,
    priority: z.number().int().min(-1000).max(1000).optional(),
    reason: ZReason,
    reference: ZReference.optional(),
    idempotency_key: ZIdempotencyKey.optional(),
  })
  .strict();

export const ZAdjustCredits = z
  .object({
    ...ZCustomerRef,
    amount: z
      .number()
      .int("must be a whole number of credits")
      .min(-1e12)
      .max(1e12)
      .refine((n) => n !== 0, "must not be zero"),
    reason: ZReason,
    bucket_id: z.string().min(1).max(100).optional(),
    source: z
      .enum(CREDIT_SOURCES)
      .optional()
      .describe("For a positive adjustment without bucket_id: the new bucket's source (promotional)"),
    expires_at: ZExpiry,
    idempotency_key: ZIdempotencyKey.optional(),
  })
  .strict();

export const ZRefundCredits = z
  .object({
    ...ZCustomerRef,
    consumption_id: z
      .string()
      .min(1)
      .max(100)
      .describe("The id of a consumption, or the operation id of a reservation's commit"),
    credits: ZCredits.optional().describe("Default: everything not yet refunded"),
    reason: ZReason,
    idempotency_key: ZIdempotencyKey.optional(),
  })
  .strict();

export const ZBalanceQuery = z.object({
  ...ZCustomerRef,
  include_spent: z.enum(["true", "false"]).optional().describe("Also list spent and expired buckets"),
});

export const ZLedgerQuery = z.object({
  ...ZCustomerRef,
  limit: ZLimit(200, 50),
  cursor: ZCursor,
  kind: z.enum(LEDGER_KINDS).optional(),
  source: z.enum(CREDIT_SOURCES).optional(),
  event_name: z.string().trim().min(1).max(100).optional(),
  reservation_id: z.string().min(1).max(100).optional(),
  operation_id: z.string().min(1).max(100).optional(),
});

export const ZCreditSettingsQuery = z.object(ZCustomerRef);

export const ZCreditSettingsPatch = z
  .object({
    ...ZCustomerRef,
    precedence: z
      .array(z.enum(CREDIT_SOURCES))
      .superRefine((v, ctx) => {
        const problem = validatePrecedence(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .describe("The order sources are spent in: all of purchased, subscription, promotional")
      .meta({ example: ["purchased", "subscription", "promotional"] }),
    allow_overage: z.boolean().optional(),
    overage_price_per_credit: z
      .string()
      .refine((s) => isDecimalString(s) && !s.startsWith("-"), 'a decimal string, e.g. "0.01"')
      .nullable()
      .optional()
      .describe("Price of one overage credit in major units; null uses the smallest pack's price per credit"),
    overage_currency: z
      .string()
      .regex(/^[a-z]{3}$/, "a lower-case ISO currency code")
      .optional(),
    low_balance_threshold: z
      .number()
      .int()
      .min(0)
      .max(1e12)
      .nullable()
      .optional()
      .describe("Credits; null uses 10 % of the last allocation"),
  })
  .strict();

// ————— responses —————

/** A credit bucket as the balance lists it and a grant answers it. */
const bucketFields = {
  id: z.string(),
  source: z.enum(CREDIT_SOURCES),
  origin: z.enum(GRANT_ORIGINS),
  amount: z.number().int(),
  remaining: z.number().int(),
  priority: z.number().int(),
  expires_at: z.string().nullable(),
  reference: z.string().nullable(),
  created_at: z.string(),
};

export const ZCreditBalanceJson = z.strictObject({
  object: z.literal("credit_balance"),
  customer_id: z.string(),
  balance: z
    .number()
    .int()
    .describe(
      "Credits that can be spent now, usage not yet drawn down included; negative while overage is outstanding",
    ),
  ledger_balance: z.number().int().describe("The ledger's own balance: Σ bucket remaining − held − overage"),
  pending_usage_credits: z
    .number()
    .int()
    .describe("Credits of stored usage of meters priced in credits, not yet drawn down"),
  held: z.number().int().describe("Credits held by active reservations"),
  overage: z.number().int(),
  last_transaction_id: z.string().nullable(),
  low_balance: z.strictObject({ threshold: z.number().int().nullable(), below: z.boolean() }),
  precedence: z.array(z.enum(CREDIT_SOURCES)),
  allow_overage: z.boolean(),
  buckets: z.array(
    z.strictObject({
      ...bucketFields,
      expired_at: z.string().nullable(),
      reason: z.string().nullable().describe("What the credits are for, as a person reads it (a pack, a plan's month)"),
    }),
  ),
  as_of: z.string(),
});

/** One row of the credit ledger (GET /api/v1/credits/transactions). */
export const ZLedgerEntryJson = z.strictObject({
  id: z.string(),
  seq: z.number().int(),
  operation_id: z.string(),
  kind: z.enum(LEDGER_KINDS),
  bucket_id: z.string().nullable(),
  source: z.enum(CREDIT_SOURCES).nullable(),
  amount: z.number().int(),
  bucket_delta: z.number().int(),
  balance_after: z.number().int(),
  held_after: z.number().int(),
  event_name: z.string().nullable(),
  quantity: z.string().nullable(),
  reservation_id: z.string().nullable(),
  reference: z.string().nullable(),
  reason: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  unit_price: z.string().nullable(),
  currency: z.string().nullable(),
  actor: z.string(),
  created_at: z.string(),
});
export const ZLedgerPageJson = ZPage(ZLedgerEntryJson);

export type CreditBalanceJson = z.infer<typeof ZCreditBalanceJson>;
export type LedgerEntryJson = z.infer<typeof ZLedgerEntryJson>;

const ZSpentPart = z.strictObject({ bucket_id: z.string(), source: z.string(), credits: z.number().int() });

/** POST /api/v1/credits/consume: what was spent, from which buckets, and the balance after. */
export const ZConsumptionJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_consumption"),
  customer_id: z.string(),
  event_name: z.string().nullable(),
  quantity: z.string().nullable(),
  credits: z.number().int(),
  spent: z.array(ZSpentPart),
  overage_credits: z.number().int(),
  overage_cost: z.string().nullable(),
  currency: z.string().nullable(),
  balance_after: z.number().int(),
  held: z.number().int(),
  reference: z.string().nullable(),
  created_at: z.string(),
  idempotency_key: z
    .string()
    .optional()
    .describe("The key Tally made for a request without one (credits guide shape: organization_id, no key)"),
  idempotency_key_generated: z.literal(true).optional(),
});

/** POST /api/v1/credits/grants: the new bucket. */
export const ZGrantJson = z.strictObject({
  ...bucketFields,
  object: z.literal("credit_grant"),
  customer_id: z.string(),
  credit_product_id: z.string().nullable(),
  reason: z.string().nullable(),
  created_at: z.string(),
  balance_after: z.number().int().optional(),
});

/** POST /api/v1/credits/adjustments. */
export const ZAdjustmentJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_adjustment"),
  customer_id: z.string(),
  amount: z.number().int(),
  reason: z.string(),
  buckets: z.array(ZSpentPart),
  balance_after: z.number().int(),
  created_at: z.string(),
});

/** POST /api/v1/credits/refunds; a null bucket is overage given back. */
export const ZRefundJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_refund"),
  customer_id: z.string(),
  consumption_id: z.string(),
  credits: z.number().int(),
  reason: z.string(),
  buckets: z.array(
    z.strictObject({ bucket_id: z.string().nullable(), source: z.string().nullable(), credits: z.number().int() }),
  ),
  balance_after: z.number().int(),
  created_at: z.string(),
});

/** A reservation (hold); commit adds what was spent and the balance after. */
export const ZReservationJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_reservation"),
  customer_id: z.string(),
  credits: z.number().int(),
  status: z.string(),
  expires_at: z.string(),
  reference: z.string().nullable(),
  committed_credits: z.number().int().nullable(),
  released_credits: z.number().int().nullable(),
  spent: z.array(ZSpentPart).optional(),
  overage_credits: z.number().int().optional(),
  overage_cost: z.string().nullable().optional(),
  balance_after: z.number().int().optional(),
  held: z.number().int().optional(),
  created_at: z.string(),
  closed_at: z.string().nullable(),
});

export type ConsumptionJson = z.infer<typeof ZConsumptionJson>;
export type GrantJson = z.infer<typeof ZGrantJson>;
export type AdjustmentJson = z.infer<typeof ZAdjustmentJson>;
export type RefundJson = z.infer<typeof ZRefundJson>;
export type ReservationJson = z.infer<typeof ZReservationJson>;

/** GET and PATCH /api/v1/credits/settings; creditSettingsJson returns this type. */
export const ZCreditSettingsJson = z.strictObject({
  object: z.literal("credit_settings"),
  customer_id: z.string(),
  precedence: z.array(z.enum(CREDIT_SOURCES)),
  allow_overage: z.boolean(),
  overage_price_per_credit: z.string().nullable(),
  overage_currency: z.string(),
  low_balance_threshold: z.number().int().nullable(),
});

export type CreditSettingsJson = z.infer<typeof ZCreditSettingsJson>;

/** One automatic top-up attempt. */
export const ZAutoTopUpRowJson = z.strictObject({
  id: z.string(),
  status: z.enum(AUTO_TOP_UP_STATUSES),
  credit_product_id: z.string(),
  credits: z.number().int(),
  amount_cents: z.number().int(),
  currency: z.string(),
  threshold_credits: z.number().int(),
  balance_at_crossing: z.number().int(),
  message: z.string().nullable(),
  provider: z.enum(["local", "stripe", "manual"]).nullable(),
  payment_id: z.string().nullable(),
  invoice_id: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

/** GET and PUT /api/v1/credits/auto-top-up: the settings, this month's count and recent attempts. */
export const ZAutoTopUpJson = z.strictObject({
  object: z.literal("auto_top_up"),
  enabled: z.boolean(),
  threshold_credits: z.number().int().nullable(),
  credit_product_id: z.string().nullable(),
  max_per_month: z.number().int().nullable(),
  used_this_month: z.number().int(),
  balance: z.number().int(),
  updated_at: z.string().nullable(),
  history: z.array(ZAutoTopUpRowJson),
});

export type AutoTopUpJson = z.infer<typeof ZAutoTopUpJson>;
export type AutoTopUpRowJson = z.infer<typeof ZAutoTopUpRowJson>;

/** A link from a meter to a credit event (/api/v1/credit-meter-links); linkJson builds it. */
export const ZCreditMeterLinkJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_meter_link"),
  meter: z.string(),
  credit_event: z.string(),
  filters: z.record(z.string(), z.array(z.string())),
  created_at: z.string(),
  archived_at: z.string().nullable(),
});
export const ZCreditMeterLinkPage = ZPage(ZCreditMeterLinkJson);
