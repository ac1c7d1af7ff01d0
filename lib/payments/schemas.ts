import { z } from "zod";
import { OFFLINE_PAYMENT_METHODS } from "@/lib/db/schema";
import { ZIsoDate } from "@/lib/http/schemas";

export const ZCheckout = z
  .strictObject({ plan_id: z.string().min(1).optional(), credit_product_id: z.string().min(1).optional() })
  .refine((v) => Boolean(v.plan_id) !== Boolean(v.credit_product_id), {
    path: ["plan_id"],
    message: "send either plan_id or credit_product_id",
  });

/** at_period_end false ends the subscription now (its usage so far is billed on a final invoice). */
export const ZCancel = z.strictObject({ at_period_end: z.boolean().default(true) });
export const ZChangePlan = z.strictObject({ plan_id: z.string().min(1), preview: z.boolean().default(false) });
export const ZListLimit = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });

/** An operator recording an invoice paid outside Tally (invoice billing). */
export const ZMarkInvoicePaid = z.strictObject({
  method: z.enum(OFFLINE_PAYMENT_METHODS).describe("How the money arrived: bank_transfer, check, cash or other"),
  reference: z.string().trim().min(1, "say where to find the payment: a transfer reference, a check number").max(200),
  paid_at: ZIsoDate.optional().describe("When the money arrived; default now"),
});
