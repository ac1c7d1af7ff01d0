import { isCustomer } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { creditNoteJson, getCreditNote } from "@/lib/invoices/credit-note-queries";
import { ZCreditNoteJson } from "@/lib/invoices/credit-note-schemas";

/** One credit note; another customer's is a 404. */
export const GET = route(
  {
    path: "/api/v1/credit-notes/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Billing",
      response: ZCreditNoteJson,
      summary: "A credit note with its lines",
      responses: { "200": "The credit note", "404": "Not found (or another customer's)" },
    },
  },
  async ({ actor, params }) => {
    const r = await getCreditNote(isCustomer(actor) ? actor.orgId : null, params.id);
    return creditNoteJson({ note: r.note, invoiceNumber: r.invoice.number, lines: r.lines });
  },
);
