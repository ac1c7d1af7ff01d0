// Voiding a Stripe invoice and crediting a paid one through Stripe's credit notes. Every credit
// note carries an idempotency key from Tally's own note id, so a retried request creates one.
import "server-only";
import type Stripe from "stripe";
import { providerError, stripe } from "./client";
import { toInvoiceState, type StripeInvoiceState } from "./billing";
import { stripeIdempotencyKey } from "./invoice-items";

export async function voidStripeInvoice(invoiceId: string): Promise<StripeInvoiceState> {
  try {
    return toInvoiceState(await stripe().invoices.voidInvoice(invoiceId));
  } catch (e) {
    throw providerError(e);
  }
}

/**
 * A credit note line at Stripe: a custom line of what it gives back (untaxed); an invoice line's
 * `amount` in the line's terms (net under an exclusive rate, with tax under an inclusive one), on
 * which Stripe applies the line's own tax rates; or a custom line of a gross amount under an
 * inclusive TaxRate, from which Stripe extracts the tax.
 */
export type StripeCreditNoteLine =
  | { description: string; amountCents: number; stripeLineId?: undefined; taxRateId?: undefined }
  | { stripeLineId: string; amountCents: number; description?: undefined; taxRateId?: undefined }
  | { description: string; amountCents: number; taxRateId: string; stripeLineId?: undefined };

export type StripeCreditNoteInput = {
  invoiceId: string;
  lines: StripeCreditNoteLine[];
  /** What the note gives back with its tax (refund_amount or credit_amount); the lines' amounts when untaxed. */
  totalCents?: number;
  /** refund: back to the invoice's payment (refund_amount); balance: the customer's Stripe balance (credit_amount). */
  to: "refund" | "balance";
  memo: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
};

export type StripeCreditNoteState = {
  id: string;
  number: string;
  pdfUrl: string | null;
  refundId: string | null;
  /** Stripe's totals: with tax, and the tax (total_taxes, or the older total_tax_amounts). */
  totalCents: number;
  taxCents: number;
};

const lineParams = (l: StripeCreditNoteLine) =>
  l.stripeLineId !== undefined
    ? { type: "invoice_line_item" as const, invoice_line_item: l.stripeLineId, amount: l.amountCents }
    : {
        type: "custom_line_item" as const,
        description: l.description,
        quantity: 1,
        unit_amount: l.amountCents,
        ...(l.taxRateId !== undefined && { tax_rates: [l.taxRateId] }),
      };

type RawNote = {
  refund?: string | { id: string } | null;
  total?: number;
  amount?: number;
  total_taxes?: { amount: number }[] | null;
  total_tax_amounts?: { amount: number }[] | null;
};

const totalsOf = (raw: RawNote, fallback: number) => ({
  totalCents: raw.total ?? raw.amount ?? fallback,
  taxCents: (raw.total_taxes ?? raw.total_tax_amounts ?? []).reduce((s, t) => s + t.amount, 0),
});

const totalOf = (input: Pick<StripeCreditNoteInput, "lines" | "totalCents">) =>
  input.totalCents ?? input.lines.reduce((s, l) => s + l.amountCents, 0);

const noteParams = (input: Omit<StripeCreditNoteInput, "idempotencyKey">) => {
  const total = totalOf(input);
  return {
    invoice: input.invoiceId,
    lines: input.lines.map(lineParams),
    ...(input.to === "refund" ? { refund_amount: total } : { credit_amount: total }),
    memo: input.memo,
    metadata: input.metadata,
  };
};

/** What Stripe would make of the note's lines (its total with tax and its tax), without making it. */
export async function previewStripeCreditNote(
  input: Omit<StripeCreditNoteInput, "idempotencyKey">,
): Promise<{ totalCents: number; taxCents: number }> {
  try {
    // Without refund_amount/credit_amount: Stripe's own total is the answer, not a refusal of ours.
    const { refund_amount: _r, credit_amount: _c, ...params } = noteParams(input) as Record<string, unknown>;
    const note = await stripe().creditNotes.preview(params as unknown as Stripe.CreditNotePreviewParams);
    return totalsOf(note as unknown as RawNote, totalOf(input));
  } catch (e) {
    throw providerError(e);
  }
}

export async function createStripeCreditNote(input: StripeCreditNoteInput): Promise<StripeCreditNoteState> {
  try {
    const note = await stripe().creditNotes.create(noteParams(input) as Stripe.CreditNoteCreateParams, {
      idempotencyKey: stripeIdempotencyKey(input.idempotencyKey),
    });
    const raw = note as unknown as RawNote;
    const refund = raw.refund;
    return {
      id: note.id,
      number: note.number,
      pdfUrl: note.pdf ?? null,
      refundId: refund == null ? null : typeof refund === "string" ? refund : refund.id,
      ...totalsOf(raw, totalOf(input)),
    };
  } catch (e) {
    throw providerError(e);
  }
}
