import { isCustomer } from "@/lib/auth/actor";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { pdfResponse, redirectTo } from "@/lib/invoices/pdf-response";
import { ZIdParams } from "@/lib/http/schemas";
import { renderCreditNotePdf } from "@/lib/invoices/credit-note-pdf";
import { getCreditNote } from "@/lib/invoices/credit-note-queries";

/** A local credit note's PDF; a Stripe one redirects to Stripe's PDF. Another customer's is a 404. */
export const GET = route(
  {
    path: "/api/v1/credit-notes/{id}/pdf",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Billing",
      summary: "A credit note as PDF (Stripe's redirect to Stripe's PDF)",
      responses: { "200": "application/pdf", "302": "Stripe's PDF", "404": "Not found" },
    },
  },
  async ({ actor, params }) => {
    const found = await getCreditNote(isCustomer(actor) ? actor.orgId : null, params.id);
    if (found.note.provider === "stripe") {
      if (!found.note.pdfUrl) throw new AppError("not_found", "Stripe has not published a PDF for this credit note.");
      return redirectTo(found.note.pdfUrl);
    }
    return pdfResponse(await renderCreditNotePdf(found), found.note.number);
  },
);
