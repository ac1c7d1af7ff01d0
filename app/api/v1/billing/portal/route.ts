import { assertCanManageBilling } from "@/lib/auth/actor";
import { originOf } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { portalUrl } from "@/lib/payments/portal";

export const POST = route(
  {
    path: "/api/v1/billing/portal",
    auth: "customer",
    doc: {
      tag: "Billing",
      summary: "A payment-portal URL (Stripe Customer Portal, or the local sandbox's)",
    },
  },
  async ({ actor, req }) => {
    assertCanManageBilling(actor);
    return { url: await portalUrl(actor.orgId, originOf(req)) };
  },
);
