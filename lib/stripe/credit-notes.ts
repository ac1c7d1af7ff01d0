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

export type StripeCreditNoteInput = {
  invoiceId: string;
  lines: { description: string; amountCents: number }[];
  /** refund: back to the invoice's payment (refund_amount); balance: the customer's Stripe balance (credit_amount). */
  to: "refund" | "balance";
  memo: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
};

export type StripeCreditNoteState = { id: string; number: string; pdfUrl: string | null; refundId: string | null };

export async function createStripeCreditNote(input: StripeCreditNoteInput): Promise<StripeCreditNoteState> {
  const total = input.lines.reduce((s, l) => s + l.amountCents, 0);
  try {
    const note = await stripe().creditNotes.create(
      {
        invoice: input.invoiceId,
        lines: input.lines.map((l) => ({
          type: "custom_line_item" as const,
          description: l.description,
          quantity: 1,
          unit_amount: l.amountCents,
        })),
        ...(input.to === "refund" ? { refund_amount: total } : { credit_amount: total }),
        memo: input.memo,
        metadata: input.metadata,
      } as Stripe.CreditNoteCreateParams,
      { idempotencyKey: stripeIdempotencyKey(input.idempotencyKey) },
    );
    const refund = (note as unknown as { refund?: string | { id: string } | null }).refund;
    return {
      id: note.id,
      number: note.number,
      pdfUrl: note.pdf ?? null,
      refundId: refund == null ? null : typeof refund === "string" ? refund : refund.id,
    };
  } catch (e) {
    throw providerError(e);
  }
}
