import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { billingDashboard } from "@/lib/payments/billing-dashboard";
import { ZBillingCustomerQuery, ZBillingDashboardJson } from "@/lib/payments/schemas";

export const GET = route(
  {
    path: "/api/v1/billing/dashboard",
    auth: "any",
    query: ZBillingCustomerQuery,
    customer: "query",
    doc: {
      tag: "Billing",
      response: ZBillingDashboardJson,
      summary:
        "A customer's billing dashboard in one call: subscription, usage today and this month, limits, alerts, credits, upcoming invoice",
      description:
        "The ALwrity guide's dashboard call. Each part is what its own endpoint answers (`subscription`: GET /api/v1/billing/subscription; `usage`: GET /api/v1/billing/usage, with per-meter costs and limits; `limits`: the metered features of GET /api/v1/entitlements; `alerts`: the open ones, newest first, and how many are open; `credits`: GET /api/v1/credits; `upcoming_invoice`: GET /api/v1/billing/upcoming-invoice, null without a current subscription). " +
        ACTS_FOR_CUSTOMER_DOC,
      responses: { "200": "The dashboard", "400": "A platform key without customer_id", "404": "No such customer" },
    },
  },
  async ({ customerId }) => billingDashboard(customerId),
);
