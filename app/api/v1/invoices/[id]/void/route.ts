import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { ZVoidInvoice } from "@/lib/invoices/credit-note-schemas";
import { voidInvoice } from "@/lib/invoices/void-invoice";
import { invoiceJson } from "@/lib/payments/billing-queries";
import { ZInvoiceJson } from "@/lib/payments/schemas";

/** Voids an open invoice with a reason; voiding a void invoice answers it as it is. */
export const POST = route(
  {
    path: "/api/v1/invoices/{id}/void",
    auth: "operator",
    params: ZIdParams,
    body: ZVoidInvoice,
    doc: {
      tag: "Billing",
      response: ZInvoiceJson,
      summary: "Void an open invoice, with a reason",
      description:
        "An open invoice that should not be collected: it becomes `void` (nothing due), no payment can be recorded on it after, and `invoice.voided` is sent. A Stripe invoice is voided at Stripe. Voiding it again changes nothing. A paid invoice takes a credit note instead.",
      responses: { "200": "The void invoice", "404": "Not found", "409": "Not open (paid, draft, uncollectible)" },
    },
  },
  async ({ actor, params, body }) =>
    invoiceJson((await voidInvoice(params.id, body.reason, actorLabel(actor))).invoice),
);
