import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { paymentMethodJson } from "@/lib/payments/billing-queries";
import { listPaymentMethods } from "@/lib/payments/payment-methods";
import { ZBillingCustomerQuery, ZPaymentMethodPage } from "@/lib/payments/schemas";

export const GET = route(
  {
    path: "/api/v1/billing/payment-methods",
    auth: "any",
    query: ZBillingCustomerQuery,
    customer: "query",
    doc: {
      response: ZPaymentMethodPage,
      tag: "Billing",
      summary: "A customer's payment methods: brand, last4, expiry",
      description: ACTS_FOR_CUSTOMER_DOC,
    },
  },
  async ({ customerId }) => ({
    data: (await listPaymentMethods(customerId)).map(paymentMethodJson),
    next_cursor: null,
  }),
);
