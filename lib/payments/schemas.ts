import { z } from "zod";

export const ZCheckout = z
  .strictObject({ plan_id: z.string().min(1).optional(), credit_product_id: z.string().min(1).optional() })
  .refine((v) => Boolean(v.plan_id) !== Boolean(v.credit_product_id), { path: ["plan_id"], message: "send either plan_id or credit_product_id" });

export const ZChangePlan = z.strictObject({ plan_id: z.string().min(1), preview: z.boolean().default(false) });
export const ZListLimit = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
