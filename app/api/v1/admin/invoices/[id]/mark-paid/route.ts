import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { invoiceJson, paymentJson } from "@/lib/payments/billing-queries";
import { recordOfflinePayment } from "@/lib/payments/offline-payment";
import { ZMarkInvoicePaid } from "@/lib/payments/schemas";

/** Invoice billing: record an invoice paid outside Tally; its credits or plan follow. Recording twice changes nothing more. */
export const POST = route({ auth: "operator", params: ZIdParams, body: ZMarkInvoicePaid }, async ({ actor, params, body }) => {
  const r = await recordOfflinePayment(params.id, { method: body.method, reference: body.reference, paidAt: body.paid_at }, actorLabel(actor));
  return { invoice: invoiceJson(r.invoice), payment: r.payment ? paymentJson(r.payment) : null, already_paid: r.alreadyPaid };
});
