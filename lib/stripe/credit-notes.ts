// Voiding a Stripe invoice and crediting a paid one through Stripe's credit notes. Every credit
// note carries an idempotency key from Tally's own note id, so a retried request creates one.
import "server-only";
import type Stripe from "stripe";
import { providerError, stripe } from "./client";
import { taxesOf, toInvoiceState, type RawTax, type StripeInvoiceState, type StripeTaxAmount } from "./billing";
import { stripeIdempotencyKey } from "./invoice-items";

export async function voidStripeInvoice(invoiceId: string): Promise<StripeInvoiceState> {
  try {
    return toInvoiceState(await stripe().invoices.voidInvoice(invoiceId));
  } catch (e) {
    throw providerError(e);
  }
}

/** Voids a credit note at Stripe (Stripe reverses what it put on the customer's balance). */
export async function voidStripeCreditNote(id: string): Promise<void> {
  try {
    await stripe().creditNotes.voidCreditNote(id);
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
  /** The refunds it made (this API version), or the one refund of older versions. */
  refunds?: { amount_refunded: number; refund: string | { id: string } }[] | null;
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

const idOf = (v: string | { id: string }) => (typeof v === "string" ? v : v.id);
const refundIdOf = (raw: RawNote) => {
  const r = raw.refunds?.[0]?.refund ?? raw.refund;
  return r == null ? null : idOf(r);
};

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
    return {
      id: note.id,
      number: note.number,
      pdfUrl: note.pdf ?? null,
      refundId: refundIdOf(raw),
      ...totalsOf(raw, totalOf(input)),
    };
  } catch (e) {
    throw providerError(e);
  }
}

/** A credit note as Stripe has it now, however it was made (Tally, the Dashboard, Stripe's API). */
export type StripeCreditNoteMirror = {
  id: string;
  number: string;
  invoiceId: string;
  customerId: string | null;
  status: "issued" | "void";
  /** pre_payment: it lowered what was due on an unpaid invoice; post_payment: money given back; mixed: both. */
  type: "pre_payment" | "post_payment" | "mixed";
  currency: string;
  totalCents: number;
  /** Refunded to the payment (Σ refunds), set outside Stripe, and the rest of post_payment_amount: the customer's balance. */
  refundedCents: number;
  outOfBandCents: number;
  balanceCents: number;
  refundId: string | null;
  memo: string | null;
  reason: string | null;
  pdfUrl: string | null;
  livemode: boolean;
  created: Date;
  /** Set on the notes Tally issues through Stripe: Tally's id for it, and who asked. */
  tallyNoteId: string | null;
  tallyActor: string | null;
  lines: {
    stripeInvoiceLineId: string | null;
    description: string | null;
    amountCents: number;
    taxes: StripeTaxAmount[];
  }[];
};

type RawNoteLine = {
  type?: string;
  amount: number;
  description?: string | null;
  invoice_line_item?: string | null;
  taxes?: RawTax[] | null;
  tax_amounts?: RawTax[] | null;
};

/** The credit note with all its lines (Stripe embeds the first ten), or null when Stripe has none. */
export async function retrieveStripeCreditNote(id: string): Promise<StripeCreditNoteMirror | null> {
  try {
    const note = await stripe().creditNotes.retrieve(id);
    const lines: RawNoteLine[] = [...(note.lines?.data ?? [])] as unknown as RawNoteLine[];
    if (note.lines?.has_more)
      for await (const l of stripe().creditNotes.listLineItems(id, {
        limit: 100,
        starting_after: (note.lines.data.at(-1) as { id: string }).id,
      }))
        lines.push(l as unknown as RawNoteLine);
    const raw = note as unknown as RawNote & {
      out_of_band_amount?: number | null;
      post_payment_amount?: number | null;
      type?: string;
      metadata?: Record<string, string> | null;
    };
    const refunds = raw.refunds ?? [];
    const refundedCents = refunds.reduce((s, r) => s + r.amount_refunded, 0);
    const outOfBandCents = raw.out_of_band_amount ?? 0;
    const postPayment = raw.post_payment_amount ?? note.total;
    return {
      id: note.id,
      number: note.number,
      invoiceId: idOf(note.invoice),
      customerId: note.customer ? idOf(note.customer) : null,
      status: note.status === "void" ? "void" : "issued",
      type: raw.type === "pre_payment" || raw.type === "mixed" ? raw.type : "post_payment",
      currency: note.currency,
      totalCents: note.total,
      refundedCents,
      outOfBandCents,
      balanceCents: Math.max(0, postPayment - refundedCents - outOfBandCents),
      refundId: refundIdOf(raw),
      memo: note.memo ?? null,
      reason: note.reason ?? null,
      pdfUrl: note.pdf ?? null,
      livemode: note.livemode,
      created: new Date(note.created * 1000),
      tallyNoteId: raw.metadata?.tally_credit_note_id ?? null,
      tallyActor: raw.metadata?.tally_actor ?? null,
      lines: lines.map((l) => ({
        stripeInvoiceLineId: l.type === "custom_line_item" ? null : (l.invoice_line_item ?? null),
        description: l.description ?? null,
        amountCents: l.amount,
        taxes: taxesOf(l.taxes ?? l.tax_amounts),
      })),
    };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}
