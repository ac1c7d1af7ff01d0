// A credit note as a PDF: the invoice's paper (invoice-pdf.ts) with the note's number, the invoice it
// credits and why, its lines, and where the money went.
import "server-only";
import type { CreditNote, CreditNoteLine, Invoice, Organization } from "@/lib/db/schema";
import { formatDate } from "@/lib/format";
import { CREDIT_TAX_ROUNDING_NOTE } from "@/lib/tax/credit";
import { UNTAXED_ROUNDING_NOTE, taxSummaryRows } from "@/lib/tax/describe";
import { renderInvoicePdf } from "./invoice-pdf";

const STAMPS: Record<CreditNote["outcome"], string> = {
  refund_to_card: "REFUNDED",
  customer_credit_balance: "CREDIT BALANCE",
  next_invoice_balance: "NEXT INVOICE",
  outside_stripe: "REFUNDED",
};

export const OUTCOME_LABELS: Record<CreditNote["outcome"], string> = {
  refund_to_card: "Refunded to the card",
  customer_credit_balance: "Added to the customer's credit balance",
  next_invoice_balance: "Taken off the next invoice",
  outside_stripe: "Given back outside Stripe",
};

export async function renderCreditNotePdf(r: {
  note: CreditNote;
  invoice: Invoice;
  customer: Organization;
  lines: CreditNoteLine[];
}): Promise<Uint8Array> {
  const { note, invoice } = r;
  // Each line as its invoice printed it: net under exclusive tax, tax included under inclusive.
  const inclusive = note.tax?.breakdown[0]?.inclusive ?? false;
  return renderInvoicePdf({
    invoice,
    customer: r.customer,
    lines: r.lines.map((l) => ({
      description: l.description,
      quantity: "1",
      unitAmount: null,
      amountCents: (l.netCents ?? l.amountCents) + (inclusive ? l.taxCents : 0),
    })),
    kind: {
      title: "Credit note",
      number: note.number,
      issuedAt: note.issuedAt,
      references: [
        `Credits invoice ${invoice.number} of ${formatDate(invoice.issuedAt)}`,
        `Reason: ${note.reason}`,
        OUTCOME_LABELS[note.outcome],
      ],
      totals: [
        ["Total credited", note.amountCents, true],
        ["Invoice total", invoice.totalCents, false],
      ],
      stamp: note.status === "void" ? "VOID" : STAMPS[note.outcome],
      taxRows: taxSummaryRows({
        subtotalCents: note.amountCents - note.taxCents,
        taxCents: note.taxCents,
        tax: note.tax,
      }),
      taxNote: note.tax?.note ?? null,
      roundingNote: note.tax ? CREDIT_TAX_ROUNDING_NOTE : UNTAXED_ROUNDING_NOTE,
    },
  });
}
