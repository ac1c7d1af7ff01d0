import { route } from "@/lib/http/route";
import { paymentMethodJson } from "@/lib/payments/billing-queries";
import { listPaymentMethods } from "@/lib/payments/payment-methods";

export const GET = route(
  {
    path: "/api/v1/billing/payment-methods",
    auth: "customer",
    doc: {
      tag: "Billing",
      summary: "Your payment methods: brand, last4, expiry",
    },
  },
  async ({ actor }) => ({ data: (await listPaymentMethods(actor.orgId)).map(paymentMethodJson), next_cursor: null }),
);
