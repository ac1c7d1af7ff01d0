import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { creditNoteJson, getCreditNote } from "@/lib/invoices/credit-note-queries";
import { ZCreditNoteJson, ZVoidCreditNote } from "@/lib/invoices/credit-note-schemas";
import { voidCreditNote } from "@/lib/invoices/void-credit-note";

/** Voids a credit note issued by mistake, with a reason; voiding a void note answers it as it is. */
export const POST = route(
  {
    path: "/api/v1/credit-notes/{id}/void",
    auth: "operator",
    params: ZIdParams,
    body: ZVoidCreditNote,
    doc: {
      tag: "Billing",
      response: ZCreditNoteJson,
      summary: "Void a credit note, with a reason",
      description:
        "A credit note issued by mistake becomes `void`: its amount can be credited again and `credit_note.voided` is sent. Only a balance that no invoice has taken yet can be voided: a note refunded to the card (or settled outside Stripe) cannot, nor one whose balance invoices have taken part of. A Stripe note is voided at Stripe (which reverses the customer's balance). Voiding it again changes nothing.",
      responses: {
        "200": "The void credit note",
        "404": "Not found",
        "409": "Refunded, or its balance already taken",
      },
    },
  },
  async ({ actor, params, body }) => {
    await voidCreditNote(params.id, body.reason, actorLabel(actor));
    const r = await getCreditNote(null, params.id);
    return creditNoteJson({ note: r.note, invoiceNumber: r.invoice.number, lines: r.lines });
  },
);
