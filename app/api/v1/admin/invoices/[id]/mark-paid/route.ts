import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { invoiceJson, paymentJson } from "@/lib/payments/billing-queries";
import { recordOfflinePayment } from "@/lib/payments/offline-payment";
import { ZMarkInvoicePaid, ZMarkPaidJson } from "@/lib/payments/schemas";

/** Invoice billing: record an invoice paid outside Tally; its credits or plan follow. Recording twice changes nothing more. */
export const POST = route(
  {
    path: "/api/v1/admin/invoices/{id}/mark-paid",
    auth: "operator",
    params: ZIdParams,
    body: ZMarkInvoicePaid,
    doc: {
      tag: "Admin",
      response: ZMarkPaidJson,
      summary: "Invoice billing: record an open invoice paid outside Tally (bank transfer, check, cash, other)",
      description:
        "Records a live payment with how it was paid and its reference, marks the invoice paid, and grants what it sold: a credit pack's credits, or the start of an unpaid plan. Recording an invoice already paid changes nothing and answers `already_paid: true`.",
      responses: {
        "200": "{invoice, payment, already_paid}",
        "404": "Not found",
        "409": "A Stripe, test, void or uncollectible invoice",
      },
    },
  },
  async ({ actor, params, body }) => {
    const r = await recordOfflinePayment(
      params.id,
      { method: body.method, reference: body.reference, paidAt: body.paid_at },
      actorLabel(actor),
    );
    return {
      invoice: invoiceJson(r.invoice),
      payment: r.payment ? paymentJson(r.payment) : null,
      already_paid: r.alreadyPaid,
    };
  },
);
