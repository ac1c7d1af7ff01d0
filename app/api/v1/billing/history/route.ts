import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { listPayments, paymentJson } from "@/lib/payments/billing-queries";
import { ZBillingList, ZPaymentPage } from "@/lib/payments/schemas";

/** Payments and credit purchases, newest first, failed and refunded ones included. */
export const GET = route(
  {
    path: "/api/v1/billing/history",
    auth: "any",
    query: ZBillingList,
    customer: "query",
    doc: {
      response: ZPaymentPage,
      tag: "Billing",
      summary: "A customer's payments and credit purchases, failed and refunded ones included",
      description: ACTS_FOR_CUSTOMER_DOC,
    },
  },
  async ({ customerId, query }) => ({
    data: (await listPayments(customerId, query.limit)).map(paymentJson),
    next_cursor: null,
  }),
);
