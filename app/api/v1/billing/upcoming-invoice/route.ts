import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { ZBillingCustomerQuery, ZUpcomingInvoiceJson } from "@/lib/payments/schemas";
import { upcomingInvoice } from "@/lib/payments/upcoming-invoice";

export const GET = route(
  {
    path: "/api/v1/billing/upcoming-invoice",
    auth: "any",
    query: ZBillingCustomerQuery,
    customer: "query",
    // Read as usage arrives (the billing page refreshes it): served in front of Next, as the usage reads are.
    fast: true,
    doc: {
      tag: "Billing",
      response: ZUpcomingInvoiceJson,
      summary:
        "The invoice your current period will end with: plan fee, usage and call costs so far, and the projected total",
      description:
        "`lines` are the lines the period's invoice will carry, with the same ids (usage per meter and plan, credit overage, agent call usage per agent plan and metric, each agent plan's fixed charges once per agent); `projected_lines` extrapolate each meter's quantity to the period end at the current pace and rate it, so tiers and included units apply. `plan_fee` is the next period's fee (none after a cancellation), `discounts` and `credits_applied` what comes off. Totals in minor units and as decimals; `invoice_date` is the period end. A trial's usage is free." +
        " " +
        ACTS_FOR_CUSTOMER_DOC,
      responses: {
        "200": "The upcoming invoice",
        "400": "A platform key without customer_id",
        "404": "No current subscription",
      },
    },
  },
  async ({ customerId }) => upcomingInvoice(customerId),
);
