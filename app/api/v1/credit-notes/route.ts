import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { creditNoteJson, listCreditNotes } from "@/lib/invoices/credit-note-queries";
import { ZCreditNoteList, ZCreditNotePage } from "@/lib/invoices/credit-note-schemas";

export const GET = route(
  {
    path: "/api/v1/credit-notes",
    auth: "any",
    query: ZCreditNoteList,
    customer: "query",
    doc: {
      response: ZCreditNotePage,
      tag: "Billing",
      summary: "A customer's credit notes, newest first, with PDF links",
      description: ACTS_FOR_CUSTOMER_DOC,
    },
  },
  async ({ customerId, query }) => ({
    data: (await listCreditNotes(customerId, query.limit)).map(creditNoteJson),
    next_cursor: null,
  }),
);
