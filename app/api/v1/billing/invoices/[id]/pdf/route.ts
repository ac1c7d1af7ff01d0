import { isCustomer } from "@/lib/auth/actor";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { pdfResponse, redirectTo } from "@/lib/invoices/pdf-response";
import { ZIdParams } from "@/lib/http/schemas";
import { renderInvoicePdf } from "@/lib/invoices/invoice-pdf";
import { getInvoice } from "@/lib/invoices/queries";

/** A local invoice's PDF; a Stripe invoice redirects to Stripe's PDF. Another customer's is a 404. */
export const GET = route(
  {
    path: "/api/v1/billing/invoices/{id}/pdf",
    auth: "any",
    params: ZIdParams,
    doc: {
      tag: "Billing",
      summary: "An invoice as PDF (Stripe invoices redirect to Stripe's PDF)",
      responses: { "200": "application/pdf", "302": "Stripe's PDF", "404": "Not found" },
    },
  },
  async ({ actor, params }) => {
    const found = await getInvoice(isCustomer(actor) ? actor.orgId : null, params.id);
    if (found.invoice.provider === "stripe") {
      if (!found.invoice.pdfUrl)
        throw new AppError("not_found", "Stripe has not published a PDF for this invoice yet.");
      return redirectTo(found.invoice.pdfUrl);
    }
    const pdf = await renderInvoicePdf(found);
    return pdfResponse(pdf, found.invoice.number);
  },
);
