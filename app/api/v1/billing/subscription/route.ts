import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { ZBillingCustomerQuery, ZSubscriptionSummaryJson } from "@/lib/payments/schemas";

export const GET = route(
  {
    path: "/api/v1/billing/subscription",
    auth: "any",
    query: ZBillingCustomerQuery,
    customer: "query",
    doc: {
      response: ZSubscriptionSummaryJson,
      tag: "Billing",
      summary: "A customer's subscription: tier, status, period, amount, interval, cancel at period end, access",
      description: ACTS_FOR_CUSTOMER_DOC,
    },
  },
  async ({ customerId }) => subscriptionSummaryJson(await billingSubscription(customerId)),
);
