import { route } from "@/lib/http/route";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";

export const GET = route(
  {
    path: "/api/v1/billing/subscription",
    auth: "customer",
    doc: {
      tag: "Billing",
      summary: "Your subscription: tier, status, period, amount, interval, cancel at period end, access",
    },
  },
  async ({ actor }) => subscriptionSummaryJson(await billingSubscription(actor.orgId)),
);
