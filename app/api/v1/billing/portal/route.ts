import { originOf } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling } from "@/lib/payments/acting-for";
import { portalUrl } from "@/lib/payments/portal";
import { ZBillingCustomerBody, ZPortalJson } from "@/lib/payments/schemas";

export const POST = route(
  {
    path: "/api/v1/billing/portal",
    auth: "any",
    body: ZBillingCustomerBody,
    customer: "body",
    doc: {
      tag: "Billing",
      response: ZPortalJson,
      summary: "A payment-portal URL (Stripe Customer Portal, or the local sandbox's)",
      description: ACTS_FOR_CUSTOMER_DOC,
    },
  },
  async ({ actor, customerId, req }) => {
    assertMayManageBilling(actor);
    return { url: await portalUrl(customerId, originOf(req)) };
  },
);
