import { z } from "zod";
import { ZCursor, ZLimit, ZPage } from "@/lib/http/schemas";

const ZName = z.string().trim().min(1, "must not be empty").max(200);
const ZExternalId = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .regex(/^[\w.:@-]+$/, "use letters, digits and . _ : @ - only");

export const ZCustomerCreate = z
  .object({
    name: ZName,
    email: z.email("must be an email address").nullish(),
    external_id: ZExternalId.nullish(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const ZCustomerPatch = ZCustomerCreate.partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");

export const ZCustomerList = z.object({
  limit: ZLimit(100, 50),
  cursor: ZCursor,
  search: z.string().trim().max(200).optional(),
});

// ————— responses —————

/** A customer (an organization) as the API shows it; lib/orgs/serialize.ts returns this type. */
export const ZCustomerJson = z.strictObject({
  id: z.string(),
  object: z.literal("customer"),
  name: z.string(),
  email: z.string().nullable(),
  external_id: z.string().nullable(),
  stripe_customer_id: z.string().nullable(),
  allow_overage: z.boolean(),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
export const ZCustomerPage = ZPage(ZCustomerJson);

export type CustomerJson = z.infer<typeof ZCustomerJson>;
