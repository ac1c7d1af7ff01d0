import { z } from "zod";
import { OFFLINE_PAYMENT_METHODS } from "@/lib/db/schema";
import { ZIsoDate } from "@/lib/http/schemas";

/**
 * The customer a billing request acts for. A platform key (or the admin) names it — Tally's id or
 * the platform's external id — as a SaaS backend acting for its customer does; a customer's own key
 * or session may omit it, and naming another customer is refused (403). route() resolves it
 * (`customer: "body" | "query"`, scopeCustomer in lib/auth/actor.ts).
 */
export const ZBillingCustomer = {
  customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "The customer acted for (Tally id or external id): required with a platform key; a customer's own key or session may omit it.",
    ),
  external_customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("The customer's external id, instead of customer_id."),
};
export const ZBillingCustomerQuery = z.object(ZBillingCustomer);
export const ZBillingCustomerBody = z.strictObject(ZBillingCustomer);

export const ZCheckout = z
  .strictObject({
    ...ZBillingCustomer,
    plan_id: z.string().min(1).optional(),
    credit_product_id: z.string().min(1).optional(),
  })
  .refine((v) => Boolean(v.plan_id) !== Boolean(v.credit_product_id), {
    path: ["plan_id"],
    message: "send either plan_id or credit_product_id",
  });

/** at_period_end false ends the subscription now (its usage so far is billed on a final invoice). */
export const ZCancel = z.strictObject({ ...ZBillingCustomer, at_period_end: z.boolean().default(true) });
export const ZChangePlan = z.strictObject({
  ...ZBillingCustomer,
  plan_id: z.string().min(1),
  preview: z.boolean().default(false),
});
export const ZListLimit = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
export const ZBillingList = z.object({ ...ZBillingCustomer, limit: ZListLimit.shape.limit });

/** An operator recording an invoice paid outside Tally (invoice billing). */
export const ZMarkInvoicePaid = z.strictObject({
  method: z.enum(OFFLINE_PAYMENT_METHODS).describe("How the money arrived: bank_transfer, check, cash or other"),
  reference: z.string().trim().min(1, "say where to find the payment: a transfer reference, a check number").max(200),
  paid_at: ZIsoDate.optional().describe("When the money arrived; default now"),
});
