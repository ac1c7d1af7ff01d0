// Query shapes of the admin billing and revenue endpoints (validated by the routes, documented in
// the OpenAPI document).
import { z } from "zod";
import { SUBSCRIPTION_STATUSES } from "@/lib/db/schema/subscriptions";
import { PAYMENT_STATUSES } from "@/lib/db/schema/billing";
import { ZCursor, ZLimit } from "@/lib/http/schemas";

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

export const CUSTOMER_SORTS = ["name", "created", "mrr", "credit_balance"] as const;
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
