// Request and response schemas of the spending cap endpoint and form.
import { z } from "zod";
import { SPENDING_CAP_MODES } from "@/lib/db/schema/spending-caps";
import { ZCustomerRef } from "@/lib/credits/schemas";
import { parseAmountToMinor } from "@/lib/money";

export const ZSpendingCapQuery = z.object(ZCustomerRef);

export const ZSpendingCapPut = z.object({
  ...ZCustomerRef,
  amount_cents: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .nullable()
    .describe("The cap in minor units of the plan's currency; null removes it"),
  mode: z.enum(SPENDING_CAP_MODES).default("hard").describe("hard: usage refused at the cap; soft: alerts only"),
});

/** The spending cap form: the amount as typed ("250.00"; empty removes the cap), in the plan's currency. */
export const ZSpendingCapForm = z.object({
  org_id: z.string().min(1).optional(),
  currency: z.string().min(3).max(3).default("usd"),
  amount: z.string().trim().max(20),
  mode: z.enum(SPENDING_CAP_MODES),
});

/** The form's amount as minor units, or null to remove the cap; a message for the field when it is not an amount. */
export function capAmountFromForm(amount: string, currency: string): { cents: number | null } | { error: string } {
  if (amount === "") return { cents: null };
  if (!/^\d+(\.\d+)?$/.test(amount)) return { error: "Enter an amount such as 250 or 250.00." };
  try {
    const cents = parseAmountToMinor(amount, currency);
    return cents >= 1 ? { cents } : { error: "Enter more than zero, or leave it empty to remove the cap." };
  } catch (e) {
    return { error: `The amount ${e instanceof Error ? e.message : "is not valid"}.` };
  }
}

/** GET and PUT /api/v1/billing/spending-cap; spendingCapJson returns this type. */
export const ZSpendingCapJson = z.strictObject({
  object: z.literal("spending_cap"),
  customer_id: z.string(),
  enabled: z.boolean(),
  amount_cents: z.number().int().nullable(),
  mode: z.enum(SPENDING_CAP_MODES).nullable(),
  currency: z.string().nullable(),
  spent_cents: z.number().int().nullable(),
  percent: z.number().int().nullable(),
  reached: z.boolean(),
  window_start: z.string().nullable(),
  window_end: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export type SpendingCapJson = z.infer<typeof ZSpendingCapJson>;
