// A credit note kept as a balance (customer_credit_balance, next_invoice_balance) is taken by the
// customer's next local invoices: each gets a line "Credit from CN-000001" for as much as it can
// take (never below zero), oldest note first, under the notes' row locks so two invoices issued at
// once never take the same money. Only invoices still to be collected take it — one paid at issue
// (a checkout's card already charged) does not — and only in the note's currency and mode. The note
// credited its tax already, so the balance is money taken off the invoice's total with tax, on an
// untaxed line (invoiceTax's `untaxed`).
import "server-only";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { creditNotes } from "@/lib/db/schema";
import type { InvoiceRequest } from "./issue-invoice";

/** A line that takes a note's balance: untaxed on the invoice (the note credited its tax). */
export const takesCreditBalance = (l: { details?: Record<string, unknown> | null }) =>
  typeof l.details?.credit_note_id === "string";

/** `grossOf`: what an invoice comes to with its tax, the most a balance can take of it. */
export async function takeCreditBalances(
  tx: Executor,
  inputs: InvoiceRequest[],
  grossOf: (input: InvoiceRequest) => number,
): Promise<InvoiceRequest[]> {
  const takers = inputs.filter((i) => !i.paid);
  if (takers.length === 0) return inputs;
  const notes = await tx
    .select()
    .from(creditNotes)
    .where(
      and(
        inArray(creditNotes.orgId, [...new Set(takers.map((i) => i.orgId))]),
        gt(creditNotes.balanceRemainingCents, 0),
        eq(creditNotes.status, "issued"),
      ),
    )
    .orderBy(asc(creditNotes.issuedAt), asc(creditNotes.number))
    .for("update");
  if (notes.length === 0) return inputs;
  const left = new Map(notes.map((n) => [n.id, n.balanceRemainingCents]));
  const out = inputs.map((input) => {
    if (input.paid) return input;
    let total = grossOf(input);
    const credits: InvoiceRequest["lines"] = [];
    for (const n of notes) {
      if (total <= 0) break;
      if (n.orgId !== input.orgId || n.currency !== input.currency || n.livemode !== (input.livemode ?? true)) continue;
      const take = Math.min(total, left.get(n.id)!);
      if (take <= 0) continue;
      left.set(n.id, left.get(n.id)! - take);
      total -= take;
      credits.push({
        kind: "other",
        description: `Credit from ${n.number}`,
        quantity: "1",
        amountCents: -take,
        details: { credit_note_id: n.id },
      });
    }
    return credits.length ? { ...input, lines: [...input.lines, ...credits] } : input;
  });
  for (const n of notes)
    if (left.get(n.id) !== n.balanceRemainingCents)
      await tx
        .update(creditNotes)
        .set({ balanceRemainingCents: left.get(n.id)! })
        .where(eq(creditNotes.id, n.id));
  return out;
}
