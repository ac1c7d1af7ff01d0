// Requests and answers of voiding an invoice and of credit notes (docs/credit-notes.md). No
// server-only imports: the admin forms validate with the same shapes.
import { z } from "zod";
import { CREDIT_NOTE_OUTCOMES, STORED_CREDIT_NOTE_OUTCOMES } from "@/lib/db/schema";
import { ZPage } from "@/lib/http/schemas";
import { ZBillingCustomer, ZListLimit } from "@/lib/payments/schemas";

const ZReason = z.string().trim().min(1, "say why, for the customer and the books").max(500);

export const ZVoidInvoice = z.strictObject({ reason: ZReason });
export const ZVoidCreditNote = z.strictObject({ reason: ZReason });

/** Integer minor units, positive. */
const ZCents = z.number().int("must be whole cents (minor units)").positive("must be more than 0");

export const ZCreditNoteLineInput = z.strictObject({
  invoice_line_id: z.string().min(1).max(100),
  /** Part of the line; the whole of what is left of it when omitted. */
  amount_cents: ZCents.optional(),
});

export const ZCreateCreditNote = z
  .strictObject({
    reason: ZReason,
    outcome: z
      .enum(CREDIT_NOTE_OUTCOMES)
      .describe(
        "refund_to_card: the money goes back to the payment; customer_credit_balance: a balance Stripe (or Tally) keeps for the customer, taken by later invoices; next_invoice_balance: taken by the next invoice",
      ),
    lines: z.array(ZCreditNoteLineInput).max(100).optional(),
    /** A free amount not tied to a line (a goodwill credit). */
    amount_cents: ZCents.optional(),
    description: z.string().trim().min(1).max(200).optional(),
    idempotency_key: z.string().trim().min(1).max(255).optional(),
  })
  .refine((v) => (v.lines?.length ?? 0) > 0 || v.amount_cents !== undefined, {
    path: ["lines"],
    message: "credit some lines, or send amount_cents",
  })
  .meta({
    example: {
      reason: "Service outage on 3 March",
      outcome: "next_invoice_balance",
      lines: [{ invoice_line_id: "inl_01jexample", amount_cents: 1500 }],
    },
  });
export type CreateCreditNote = z.infer<typeof ZCreateCreditNote>;

export const ZCreditNoteList = z.object({ ...ZBillingCustomer, limit: ZListLimit.shape.limit });

export const ZCreditNoteLineJson = z.strictObject({
  id: z.string(),
  invoice_line_id: z.string().nullable(),
  description: z.string(),
  /** Taken off the invoice line's amount, in its terms (net if the invoice's tax is exclusive, gross if inclusive); a free line: its gross. */
  amount_cents: z.number().int(),
  net_cents: z.number().int(),
  tax_cents: z.number().int(),
  /** The invoice line's rate ("20"; "0" reverse charge); null when untaxed. */
  tax_percentage: z.string().nullable(),
});

export const ZCreditNoteJson = z.strictObject({
  id: z.string(),
  object: z.literal("credit_note"),
  number: z.string(),
  customer_id: z.string(),
  invoice_id: z.string(),
  invoice_number: z.string(),
  status: z.enum(["issued", "void"]),
  currency: z.string(),
  /** What it gives back, tax included: subtotal_cents + tax_cents. */
  amount_cents: z.number().int(),
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  /** Printed with it: the invoice's reverse-charge statement; null for none. */
  tax_note: z.string().nullable(),
  /** outside_stripe: a note made in Stripe whose money went back outside Stripe (out of band). */
  outcome: z.enum(STORED_CREDIT_NOTE_OUTCOMES),
  reason: z.string(),
  balance_remaining_cents: z.number().int(),
  issued_at: z.string(),
  /** Why and when it was voided (in Tally, or in Stripe); null while issued. */
  void_reason: z.string().nullable(),
  voided_at: z.string().nullable(),
  pdf_url: z.string().nullable(),
  provider: z.enum(["local", "stripe", "manual"]),
  livemode: z.boolean(),
  lines: z.array(ZCreditNoteLineJson),
});
export type CreditNoteJson = z.infer<typeof ZCreditNoteJson>;
export const ZCreditNotePage = ZPage(ZCreditNoteJson);
