// The admin's credit-note form (one line of an invoice, or a free amount, typed in major units):
// read into the API's request and issued the same way, under the same idempotency scope.
import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { CREDIT_NOTE_OUTCOMES, invoices } from "@/lib/db/schema";
import { invalidField } from "@/lib/http/errors";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { formatMoney } from "@/lib/format";
import { parseAmountToMinor } from "@/lib/money";
import type { CreateCreditNote } from "./credit-note-schemas";
import { issueCreditNote } from "./credit-notes";

export const ZCreditNoteForm = z.object({
  /** "<invoice id>" for a free amount, "<invoice id>/<line id>" for a line. */
  target: z.string().min(1, "choose what to credit"),
  amount: z.string().trim().optional(),
  outcome: z.enum(CREDIT_NOTE_OUTCOMES),
  reason: z.string().trim().min(1, "say why, for the customer and the books").max(500),
  idempotency_key: z.string().min(1),
});

export async function issueCreditNoteFromForm(input: z.infer<typeof ZCreditNoteForm>, actor: string) {
  const [invoiceId, lineId] = input.target.split("/") as [string, string | undefined];
  const [inv] = await db.select().from(invoices).where(eq(invoices.id, invoiceId));
  if (!inv) throw invalidField("target", "choose an invoice of this customer");
  let cents: number | undefined;
  if (input.amount) {
    try {
      cents = parseAmountToMinor(input.amount, inv.currency);
    } catch (e) {
      throw invalidField("amount", e instanceof RangeError ? e.message : "must be an amount such as 12.50");
    }
    if (cents <= 0) throw invalidField("amount", "must be more than 0");
  } else if (!lineId) throw invalidField("amount", "say how much to credit");
  const request: CreateCreditNote = {
    reason: input.reason,
    outcome: input.outcome,
    ...(lineId ? { lines: [{ invoice_line_id: lineId, amount_cents: cents }] } : { amount_cents: cents }),
  };
  const r = await idempotentCall(
    { orgId: null, scope: `credit_notes.create:${invoiceId}`, key: input.idempotency_key, request },
    async () => {
      const n = await issueCreditNote(invoiceId, request, actor);
      return {
        status: 201,
        body: { number: n.note.number, amount: formatMoney(n.note.amountCents, n.note.currency), orgId: inv.orgId },
      };
    },
  );
  return r.body;
}
