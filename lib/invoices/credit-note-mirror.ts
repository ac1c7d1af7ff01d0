// Credit notes made in Stripe (its Dashboard, its API, or Tally itself) mirrored from Stripe's
// credit_note.* events (docs/credit-notes.md, "Notes made in Stripe"). A note is recorded once, by
// Stripe's id, under the invoice's row lock: the note Tally issued through Stripe keeps Tally's id
// (its metadata names it) whichever of the webhook and Tally's own write comes first, and a note made
// in the Dashboard gets one. Its amounts are Stripe's: each Stripe line as one line, on the invoice
// line it credits. Voided in Stripe, the note is voided here, so its amount is creditable again.
import "server-only";
import { and, eq, ne } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import {
  creditNotes,
  invoiceLines,
  payments,
  type CreditNote,
  type CreditNoteOutcome,
  type Invoice,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { creditNoteEvent } from "@/lib/outbound-webhooks/events";
import type { StripeCreditNoteMirror } from "@/lib/stripe/credit-notes";
import { invoiceRate } from "@/lib/tax/credit";
import { lockInvoice, record, type PlannedLine } from "./credit-notes";

const VOIDED_IN_STRIPE = (at: Date) => ({ voidReason: "Voided in Stripe", voidedBy: "stripe", voidedAt: at });

export type MirroredNote = { outcome: string; note: CreditNote | null; refused?: string };

/** Where the money went; a note that splits it is named by its largest part, refund first. */
export function outcomeOf(n: Pick<StripeCreditNoteMirror, "refundedCents" | "balanceCents" | "outOfBandCents">) {
  const parts: [CreditNoteOutcome, number][] = [
    ["refund_to_card", n.refundedCents],
    ["customer_credit_balance", n.balanceCents],
    ["outside_stripe", n.outOfBandCents],
  ];
  return parts.reduce((best, p) => (p[1] > best[1] ? p : best))[0];
}

const REASONS: Record<string, string> = {
  duplicate: "Duplicate charge",
  fraudulent: "Fraudulent charge",
  order_change: "Order changed",
  product_unsatisfactory: "Product unsatisfactory",
};

/**
 * Stripe's lines as Tally's: an invoice line credited keeps its Tally line (matched by Stripe's line id)
 * and its rate; a custom line is a free line of its gross. Stripe's taxes are per line, inclusive or not.
 * What Stripe's total differs from the lines by (a discount on the note) is one line of its own.
 */
export function mirrorLines(
  note: Pick<StripeCreditNoteMirror, "lines" | "totalCents">,
  inv: Pick<Invoice, "tax">,
  lines: { id: string; description: string; taxPercentage: string | null; details: Record<string, unknown> | null }[],
): PlannedLine[] {
  const rate = invoiceRate(inv.tax);
  const planned: PlannedLine[] = note.lines.map((l) => {
    const taxCents = l.taxes.reduce((s, t) => s + t.amount, 0);
    const inclusive = l.taxes.some((t) => t.inclusive);
    const line = l.stripeInvoiceLineId
      ? lines.find((x) => x.details?.stripe_line_id === l.stripeInvoiceLineId)
      : undefined;
    const net = inclusive ? l.amountCents - taxCents : l.amountCents;
    return {
      invoiceLineId: line?.id ?? null,
      description: line?.description ?? l.description ?? "Credit",
      // An invoice line's part in the line's terms (Stripe's amount); a free line: its gross.
      amountCents: line ? l.amountCents : net + taxCents,
      netCents: net,
      taxCents,
      taxPercentage: line ? line.taxPercentage : taxCents > 0 ? (rate?.percentage ?? null) : null,
    };
  });
  const rest = note.totalCents - planned.reduce((s, l) => s + l.netCents + l.taxCents, 0);
  if (rest !== 0 || planned.length === 0)
    planned.push({
      invoiceLineId: null,
      description: planned.length ? "Adjustment at Stripe (discount)" : "Credit",
      amountCents: rest,
      netCents: rest,
      taxCents: 0,
      taxPercentage: null,
    });
  return planned;
}

/** Records Stripe's note against its mirrored invoice once, or converges the recorded one on Stripe's status. */
export async function mirrorStripeCreditNote(
  tx: Executor,
  invoice: Invoice,
  n: StripeCreditNoteMirror,
  at: Date,
): Promise<MirroredNote> {
  const inv = await lockInvoice(tx, invoice.id);
  const [known] = await tx.select().from(creditNotes).where(eq(creditNotes.stripeCreditNoteId, n.id));
  if (known) {
    if (n.status !== "void" || known.status === "void") return { outcome: "credit_note_unchanged", note: known };
    const [voided] = await tx
      .update(creditNotes)
      .set({ status: "void", balanceRemainingCents: 0, ...VOIDED_IN_STRIPE(at) })
      .where(and(eq(creditNotes.orgId, known.orgId), eq(creditNotes.id, known.id)))
      .returning();
    await emitWebhookEvent(tx, creditNoteEvent(voided!, inv, at, "credit_note.voided"));
    return { outcome: "credit_note_voided", note: voided! };
  }
  // Before payment a note lowers what is due: Stripe's invoice (mirrored with the event) carries that.
  if (n.type !== "post_payment")
    return {
      outcome: `refused_${n.type}`,
      note: null,
      refused: `Credit note ${n.number} lowered what was due on invoice ${inv.number} before it was paid (${n.type}): the invoice's mirror carries it; only a note after payment is recorded.`,
    };
  const lines = await tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id));
  const outcome = outcomeOf(n);
  const [pay] =
    outcome === "refund_to_card"
      ? await tx
          .select({ id: payments.id })
          .from(payments)
          .where(and(eq(payments.invoiceId, inv.id), ne(payments.status, "failed")))
          .limit(1)
      : [];
  const issued = await record(tx, inv, mirrorLines(n, inv, lines), {
    // The note Tally issued keeps Tally's id, whichever write came first.
    id: n.tallyNoteId ?? newId("cn"),
    number: n.number,
    outcome,
    reason: n.memo?.trim() || (n.reason ? REASONS[n.reason] : null) || "Issued in Stripe",
    actor: n.tallyActor ?? "stripe",
    now: n.created,
    // Stripe's customer balance takes the next Stripe invoice: nothing for Tally's own invoices to take.
    balanceRemainingCents: 0,
    paymentId: pay?.id ?? null,
    providerRefundId: n.refundId,
    stripeCreditNoteId: n.id,
    pdfUrl: n.pdfUrl,
  });
  if (n.status !== "void") return { outcome: "credit_note_recorded", note: issued.note };
  // Voided before its first event was handled: recorded (its number was taken), as void.
  const [voided] = await tx
    .update(creditNotes)
    .set({ status: "void", ...VOIDED_IN_STRIPE(at) })
    .where(and(eq(creditNotes.orgId, issued.note.orgId), eq(creditNotes.id, issued.note.id)))
    .returning();
  return { outcome: "credit_note_recorded_void", note: voided! };
}
