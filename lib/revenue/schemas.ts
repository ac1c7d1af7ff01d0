// Query and response shapes of the admin billing and revenue endpoints (queries validated by the
// routes, both documented in the OpenAPI document; the pages and hooks use the inferred types).
import { z } from "zod";
import { SUBSCRIPTION_STATUSES } from "@/lib/db/schema/subscriptions";
import { PAYMENT_STATUSES } from "@/lib/db/schema/billing";
import { PLAN_INTERVALS } from "@/lib/db/schema/catalog";
import { ZCursor, ZLimit, ZPage } from "@/lib/http/schemas";

const ZMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");
const ZCurrency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, "a three-letter currency code")
  .transform((s) => s.toLowerCase());
const ZOrder = z.enum(["asc", "desc"]).optional();
const ZSearch = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((s) => s || undefined);

export const ZStatsQuery = z.object({ currency: ZCurrency.optional() });

export const ZSeriesQuery = z.object({
  from: ZMonth.optional().describe("First month, YYYY-MM (default: 11 months before `to`)"),
  to: ZMonth.optional().describe("Last month, YYYY-MM (default: this month)"),
  currency: ZCurrency.optional(),
});

export const ZEconomicsQuery = z.object({
  month: ZMonth.optional().describe("The month, YYYY-MM (default: this month)"),
  currency: ZCurrency.optional(),
  limit: ZLimit(500, 50).describe("Customers listed by cost"),
});

export const CUSTOMER_SORTS = ["name", "created", "customer_since", "mrr", "credit_balance"] as const;
export const ZCustomerListQuery = z.object({
  limit: ZLimit(100, 100),
  cursor: ZCursor,
  search: ZSearch.describe("Part of the name, email or external id"),
  status: z
    .enum([...SUBSCRIPTION_STATUSES, "none"])
    .optional()
    .describe("Status of the current subscription; none: no subscription"),
  tier: z.string().max(100).optional().describe("Plan tier of the current subscription"),
  sort: z.enum(CUSTOMER_SORTS).default("created"),
  order: ZOrder,
});

export const SUBSCRIPTION_SORTS = ["created", "mrr", "period_end", "customer"] as const;
export const ZSubscriptionListQuery = z.object({
  status: z
    .enum([...SUBSCRIPTION_STATUSES, "live"])
    .optional()
    .describe("live: trialing, active, past due and incomplete"),
  tier: z.string().max(100).optional(),
  search: ZSearch.describe("Part of the customer's name or external id"),
  limit: ZLimit(100, 100),
  cursor: ZCursor,
  sort: z.enum(SUBSCRIPTION_SORTS).default("created"),
  order: ZOrder,
});

export const CHARGE_SORTS = ["created", "amount"] as const;
export const ZChargeListQuery = z.object({
  status: z.enum(PAYMENT_STATUSES).optional(),
  kind: z.enum(["subscription", "credits", "other"]).optional(),
  refunded: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .describe("true: only charges with a refund"),
  search: ZSearch.describe("Part of the customer's name or external id"),
  limit: ZLimit(100, 20),
  cursor: ZCursor,
  sort: z.enum(CHARGE_SORTS).default("created"),
  order: ZOrder,
});

export const ZExportQuery = z.object({
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .transform((s) => (s ? new Date(s) : undefined))
    .describe("Invoices issued / usage from this instant"),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .transform((s) => (s ? new Date(s) : undefined))
    .describe("…up to this instant (excluded)"),
});

export type CustomerListQuery = z.output<typeof ZCustomerListQuery>;
export type SubscriptionListQuery = z.output<typeof ZSubscriptionListQuery>;
export type ChargeListQuery = z.output<typeof ZChargeListQuery>;

// ————— responses —————

const ZIsoTime = z.string().describe("ISO-8601 UTC");
const ZCents = z.number().int();

export const ZCustomerRowJson = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  external_id: z.string().nullable(),
  created_at: ZIsoTime,
  customer_since: ZIsoTime.describe("When it became a customer: its creation or its first subscription, the earlier"),
  subscription_id: z.string().nullable(),
  status: z.enum(SUBSCRIPTION_STATUSES).nullable().describe("Of the current subscription, else the most recent"),
  plan: z
    .strictObject({
      name: z.string(),
      tier: z.string(),
      interval: z.enum(PLAN_INTERVALS),
      base_price_cents: ZCents,
      currency: z.string(),
    })
    .nullable(),
  discount_percent: z.string().nullable(),
  mrr_cents: ZCents,
  credit_balance: z.number().int(),
  usage_charges_this_month_cents: ZCents.describe("Usage charges this UTC month so far, rated with the current plan"),
});
export const ZCustomerListJson = ZPage(ZCustomerRowJson);

export const ZSubscriptionRowJson = z.strictObject({
  id: z.string(),
  customer_id: z.string(),
  customer_name: z.string(),
  customer_external_id: z.string().nullable(),
  external_id: z.string().nullable(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  plan: z.strictObject({
    id: z.string(),
    name: z.string(),
    tier: z.string(),
    interval: z.enum(PLAN_INTERVALS),
    base_price_cents: ZCents,
    currency: z.string(),
  }),
  discount_percent: z.string(),
  mrr_cents: ZCents,
  provider: z.string(),
  livemode: z.boolean().describe("False for a test (sandbox) subscription: its MRR is zero"),
  created_at: ZIsoTime,
  current_period_start: ZIsoTime,
  current_period_end: ZIsoTime,
  trial_end: ZIsoTime.nullable(),
  cancel_at_period_end: z.boolean(),
  past_due_since: ZIsoTime.nullable(),
  ended_at: ZIsoTime.nullable(),
});
export const ZSubscriptionListJson = ZPage(ZSubscriptionRowJson);

export const ZChargeJson = z.strictObject({
  id: z.string(),
  customer_id: z.string(),
  customer_name: z.string(),
  provider: z.string(),
  provider_payment_id: z.string(),
  livemode: z.boolean().describe("False for a test (sandbox) payment: its net is zero"),
  kind: z.enum(["subscription", "credits", "other"]),
  status: z.enum(PAYMENT_STATUSES),
  amount_cents: ZCents,
  amount_refunded_cents: ZCents,
  net_cents: ZCents,
  currency: z.string(),
  description: z.string(),
  invoice_id: z.string().nullable(),
  invoice_number: z.string().nullable(),
  payment_method: z.string().nullable(),
  failure_message: z.string().nullable(),
  created_at: ZIsoTime,
});
export const ZChargeListJson = ZPage(ZChargeJson);

export type CustomerRowJson = z.infer<typeof ZCustomerRowJson>;
export type SubscriptionRowJson = z.infer<typeof ZSubscriptionRowJson>;
export type ChargeJson = z.infer<typeof ZChargeJson>;

/** A ratio as a decimal string (4 places), null where the denominator is zero. */
const ZRatio = z.string().nullable();

export const ZBillingStatsJson = z.strictObject({
  object: z.literal("billing_stats"),
  as_of: ZIsoTime,
  currency: z.string(),
  total_customers: z.number().int(),
  paying_customers: z.number().int(),
  active_subscriptions: z.number().int(),
  trialing_subscriptions: z.number().int(),
  past_due_subscriptions: z.number().int(),
  incomplete_subscriptions: z.number().int(),
  canceled_subscriptions: z.number().int(),
  mrr_cents: ZCents,
  arr_cents: ZCents,
  arpu_cents: ZCents.nullable().describe("Null without paying customers"),
  tiers: z.array(
    z.strictObject({
      tier: z.string(),
      name: z.string(),
      subscriptions: z.number().int(),
      active: z.number().int(),
      trialing: z.number().int(),
      past_due: z.number().int(),
      paying: z.number().int(),
      mrr_cents: ZCents,
      mrr_share: ZRatio,
    }),
  ),
  other_currencies: z.array(
    z.strictObject({ currency: z.string(), paying_customers: z.number().int(), mrr_cents: ZCents, arr_cents: ZCents }),
  ),
  monthly_revenue: z.string().describe('The Ops Center guide\'s name: MRR as a decimal in the major unit ("5880.00")'),
  trial_subscriptions: z.number().int().describe("The Ops Center guide's name for trialing_subscriptions"),
  tier_breakdown: z
    .record(z.string(), z.strictObject({ count: z.number().int(), revenue: z.string() }))
    .describe(
      "The Ops Center guide's shape of `tiers`: by tier, its subscriptions (`count`) and MRR as a decimal (`revenue`)",
    ),
});

export const ZRevenueMonthJson = z.strictObject({
  month: ZMonth,
  starting_mrr_cents: ZCents,
  ending_mrr_cents: ZCents,
  arr_cents: ZCents,
  new_mrr_cents: ZCents,
  expansion_mrr_cents: ZCents,
  contraction_mrr_cents: ZCents,
  churned_mrr_cents: ZCents,
  reactivation_mrr_cents: ZCents,
  net_new_mrr_cents: ZCents,
  customers_at_start: z.number().int(),
  customers_at_end: z.number().int(),
  new_customers: z.number().int(),
  reactivated_customers: z.number().int(),
  churned_customers: z.number().int(),
  logo_churn_rate: ZRatio,
  revenue_churn_rate: ZRatio,
  net_revenue_retention: ZRatio,
  credit_pack_revenue_cents: ZCents,
  usage_revenue_cents: ZCents,
  /** Given back by credit notes issued in the month (docs/credit-notes.md); MRR is the run rate and does not move. */
  credit_notes_cents: ZCents,
});

export const ZRevenueSeriesJson = z.strictObject({
  object: z.literal("revenue_series"),
  currency: z.string(),
  from: ZMonth.nullable(),
  to: ZMonth.nullable(),
  data: z.array(ZRevenueMonthJson),
});

const ZMargin = z.strictObject({
  subscription_revenue_cents: ZCents,
  usage_revenue_cents: ZCents,
  credit_pack_revenue_cents: ZCents,
  revenue_cents: ZCents,
  cost_cents: ZCents,
  margin_cents: ZCents,
  margin_rate: ZRatio,
});
const ZCreditsBySource = z.strictObject({
  purchased: z.number().int(),
  subscription: z.number().int(),
  promotional: z.number().int(),
});

export const ZEconomicsJson = z.strictObject({
  object: z.literal("revenue_economics"),
  month: ZMonth,
  currency: z.string(),
  credit_packs: z.strictObject({
    packs_sold: z.number().int(),
    gross_cents: ZCents,
    refunded_cents: ZCents,
    net_cents: ZCents,
  }),
  deferred_revenue: z.strictObject({
    as_of: ZIsoTime,
    credits: z.number().int(),
    value_cents: ZCents,
    unpriced_credits: z.number().int(),
  }),
  breakage: z.strictObject({
    credits: ZCreditsBySource,
    total_credits: z.number().int(),
    purchased_value_cents: ZCents,
  }),
  credits_by_tier: z.array(
    z.strictObject({
      tier: z.string(),
      name: z.string(),
      customers: z.number().int(),
      granted: ZCreditsBySource.extend({ total: z.number().int() }),
      consumed: z.number().int(),
      expired: z.number().int(),
      consumed_rate: ZRatio,
    }),
  ),
  usage_revenue_cents: ZCents,
  cost_cents: ZCents,
  totals: ZMargin,
  tiers: z.array(ZMargin.extend({ tier: z.string(), name: z.string(), customers: z.number().int() })),
  customers: z.array(
    ZMargin.extend({
      customer_id: z.string(),
      name: z.string(),
      tier: z.string(),
      tokens: z.strictObject({ input: z.string(), output: z.string() }),
    }),
  ),
});

export type BillingStatsJson = z.infer<typeof ZBillingStatsJson>;
export type TierStatsJson = BillingStatsJson["tiers"][number];
export type RevenueSeriesJson = z.infer<typeof ZRevenueSeriesJson>;
export type RevenueMonthJson = z.infer<typeof ZRevenueMonthJson>;
export type EconomicsJson = z.infer<typeof ZEconomicsJson>;
export type MarginJson = z.infer<typeof ZMargin>;
