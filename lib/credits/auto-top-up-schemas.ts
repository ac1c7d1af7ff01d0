// Request schemas of the auto top-up endpoints (app/api/v1/credits/auto-top-up).
import { z } from "zod";
import { ZCustomerRef } from "./schemas";

export const ZAutoTopUpQuery = z.object(ZCustomerRef);

export const ZAutoTopUpPut = z.object({
  ...ZCustomerRef,
  enabled: z.boolean(),
  threshold_credits: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .describe("Buy when the balance falls below this"),
  credit_product_id: z.string().trim().min(1).max(100).describe("The credit pack to buy"),
  max_per_month: z.number().int().min(1).max(100).default(3).describe("Top-ups allowed per calendar month (UTC)"),
});

const ZWhole = (msg: string) => z.coerce.number({ error: msg }).int(msg);

/** The auto top-up form (strings in): the customer's own, or an admin's for a customer (org_id). */
export const ZAutoTopUpForm = z.object({
  org_id: z.string().min(1).optional(),
  enabled: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
  threshold_credits: ZWhole("Enter a whole number of credits.")
    .min(1, "Enter at least 1 credit.")
    .max(Number.MAX_SAFE_INTEGER),
  credit_product_id: z.string().min(1, "Pick a credit pack."),
  max_per_month: ZWhole("Enter a whole number.").min(1, "At least 1 a month.").max(100, "At most 100 a month."),
});
