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
