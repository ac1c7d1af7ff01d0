// Voiding a credit note issued by mistake (docs/credit-notes.md, "Voiding a credit note"). Only what
// can be taken back is: a note whose money went back to the card, or outside Stripe, cannot be (the
// money is gone: issue a new invoice instead), nor a balance that invoices have already taken part of.
// A local note turns void under its row lock — the lock invoices take before taking its balance — so a
// void and an invoice taking the balance are ordered, never both. A Stripe note is voided at Stripe
// first (Stripe reverses the customer's balance), then here; Stripe's credit_note.voided finds it void.
// Voiding twice answers the void note. Its amount can be credited again; credit_note.voided is sent.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { creditNotes, invoices, type CreditNote } from "@/lib/db/schema";
import { formatMoney } from "@/lib/format";
import { conflict, notFound } from "@/lib/http/errors";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { creditNoteEvent } from "@/lib/outbound-webhooks/events";
import { voidStripeCreditNote } from "@/lib/stripe/credit-notes";

export type VoidedNote = { note: CreditNote; alreadyVoid: boolean };

/** Why the note cannot be voided, or null when it can (the admin's page offers only these). */
export function whyNotVoidable(n: CreditNote): string | null {
  if (n.status === "void") return `Credit note ${n.number} is void already.`;
  if (n.outcome === "refund_to_card" || n.outcome === "outside_stripe")
    return `Credit note ${n.number} gave its money back${n.outcome === "refund_to_card" ? " to the card" : " outside Stripe"}: a refund cannot be taken back by voiding the note. Issue a new invoice instead.`;
  // A Stripe note's balance is Stripe's to count (Stripe refuses a void it cannot reverse).
  if (n.provider !== "stripe" && n.balanceRemainingCents < n.amountCents)
    return `${formatMoney(n.amountCents - n.balanceRemainingCents, n.currency)} of credit note ${n.number} has already been taken by invoices: it can no longer be voided.`;
  return null;
}

function refuseUnlessVoidable(n: CreditNote): void {
  const why = whyNotVoidable(n);
  if (why) throw conflict(why);
}

const lockNote = async (tx: Executor, n: CreditNote) =>
  (
    await tx
      .select()
      .from(creditNotes)
      .where(and(eq(creditNotes.orgId, n.orgId), eq(creditNotes.id, n.id)))
      .for("update")
  )[0]!;

export async function voidCreditNote(
  noteId: string,
  reason: string,
  actor: string,
  now = new Date(),
): Promise<VoidedNote> {
  const [found] = await db.select().from(creditNotes).where(eq(creditNotes.id, noteId));
  if (!found) throw notFound("Credit note");
  if (found.status === "void") return { note: found, alreadyVoid: true };
  refuseUnlessVoidable(found);
  if (found.provider === "stripe" && found.stripeCreditNoteId) await voidStripeCreditNote(found.stripeCreditNoteId);
  return db.transaction(async (tx) => {
    const n = await lockNote(tx, found);
    if (n.status === "void") return { note: n, alreadyVoid: true };
    refuseUnlessVoidable(n);
    const [voided] = await tx
      .update(creditNotes)
      .set({ status: "void", balanceRemainingCents: 0, voidReason: reason, voidedBy: actor, voidedAt: now })
      .where(and(eq(creditNotes.orgId, n.orgId), eq(creditNotes.id, n.id)))
      .returning();
    const [inv] = await tx.select().from(invoices).where(eq(invoices.id, n.invoiceId));
    await emitWebhookEvent(tx, creditNoteEvent(voided!, inv!, now, "credit_note.voided"));
    return { note: voided!, alreadyVoid: false };
  });
}
