import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { creditNoteJson } from "@/lib/invoices/credit-note-queries";
import { ZCreateCreditNote, ZCreditNoteJson } from "@/lib/invoices/credit-note-schemas";
import { issueCreditNote } from "@/lib/invoices/credit-notes";

/** A credit note against a paid invoice: lines or a free amount, refunded or kept as the customer's balance. */
export const POST = route(
  {
    path: "/api/v1/invoices/{id}/credit-notes",
    auth: "operator",
    params: ZIdParams,
    body: ZCreateCreditNote,
    idempotent: "key",
    doc: {
      tag: "Billing",
      response: ZCreditNoteJson,
      summary: "Issue a credit note for a paid invoice",
      description:
        "Credits invoice lines (all of what is left of each, or `amount_cents` of it) and/or a free `amount_cents`, never more than the invoice's amount paid minus its earlier credit notes. `outcome`: `refund_to_card` refunds the payment; `customer_credit_balance` and `next_invoice_balance` keep the money for the customer's next invoices (a line \"Credit from CN-…\"; with Stripe, the customer's Stripe balance). Numbered in its own sequence (the seller's credit-note prefix); sends `credit_note.created`. Needs an Idempotency-Key (header or `idempotency_key`): the same key and body answer the first note again.",
      responses: {
        "201": "The credit note",
        "400":
          "A line not of this invoice, more than is left of a line or of the invoice, no payment to refund; on a Stripe invoice, tax under a rate that is not Tally's (Stripe Tax)",
        "404": "Not found",
        "409":
          "The invoice is not paid; the key was used with another body; Stripe would tax the note otherwise than Tally (a mirror out of step)",
        "503": "Stripe unavailable",
      },
    },
  },
  async ({ actor, params, body, idempotencyKey: key }) => {
    const { idempotency_key: _k, ...request } = body;
    return idempotentCall({ orgId: null, scope: `credit_notes.create:${params.id}`, key, request }, async () => {
      const r = await issueCreditNote(params.id, request, actorLabel(actor));
      return { status: 201, body: creditNoteJson({ note: r.note, invoiceNumber: r.invoice.number, lines: r.lines }) };
    });
  },
);
