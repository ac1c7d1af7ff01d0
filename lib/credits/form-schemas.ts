// Shapes of the admin's credit forms (strings in, typed values out), shared by the server actions.
import { z } from "zod";
import { CREDIT_SOURCES } from "@/lib/db/schema/credits";
import { isDecimalString } from "@/lib/money";
import { validatePrecedence } from "./precedence";

export { CREDIT_SOURCES };

const ZOrg = z.string().min(1);
const ZKey = z.string().min(1).max(255);
const ZReason = z.string().trim().min(1, "Say why: it is kept on the ledger.").max(500);
const ZWhole = (msg: string) => z.coerce.number({ error: msg }).int(msg);

/** A date (YYYY-MM-DD) as the end of that day in UTC; empty means never. */
const ZExpiresOn = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    const d = new Date(`${v}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "Pick a date." });
      return z.NEVER;
    }
    const end = new Date(d.getTime() + 86_400_000);
    if (end.getTime() <= Date.now()) {
      ctx.addIssue({ code: "custom", message: "Pick a date from today on." });
      return z.NEVER;
    }
    return end;
  });

export const ZGrantForm = z.object({
  org_id: ZOrg,
  idempotency_key: ZKey,
  amount: ZWhole("Enter a whole number of credits.").positive("Grant at least 1 credit.").max(1e12),
  source: z.enum(CREDIT_SOURCES),
  expires_on: ZExpiresOn,
  reason: ZReason,
});

export const ZAdjustForm = z.object({
  org_id: ZOrg,
  idempotency_key: ZKey,
  amount: ZWhole("Enter a whole number of credits, negative to take credits away.").refine(
    (n) => n !== 0,
    "Enter a number other than 0.",
  ),
  bucket_id: z
    .string()
    .optional()
    .transform((v) => v || null),
  reason: ZReason,
});

export const ZPurchaseForm = z.object({
  org_id: ZOrg,
  credit_product_id: z.string().min(1, "Pick a pack."),
  payment_id: z.string().trim().min(3, "Enter the payment's reference (e.g. a bank transfer id).").max(200),
});

export const ZSettingsForm = z.object({
  org_id: ZOrg,
  precedence: z
    .string()
    .transform((v) => v.split(","))
    .superRefine((v, ctx) => {
      const problem = validatePrecedence(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .transform((v) => v as (typeof CREDIT_SOURCES)[number][]),
  allow_overage: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
  overage_price_per_credit: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .refine(
      (v) => v === null || (isDecimalString(v) && !v.startsWith("-")),
      "A price like 0.01, or empty for the pack price.",
    ),
  low_balance_threshold: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? Number(v) : null))
    .refine(
      (v) => v === null || (Number.isSafeInteger(v) && v >= 0),
      "A whole number of credits, or empty for 10 % of the allocation.",
    ),
});
