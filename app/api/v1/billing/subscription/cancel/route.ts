import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { cancelAtPeriodEnd } from "@/lib/payments/lifecycle";

/** Cancels at the end of the current period; the plan stays until then. */
export const POST = route({
  path: "/api/v1/billing/subscription/cancel",
  auth: "customer",
  doc: {
    tag: "Billing",
    summary: "Cancel at the end of the current period",
  },
}, async ({ actor }) => {
  assertCanManageBilling(actor);
  await cancelAtPeriodEnd(actor.orgId, actorLabel(actor));
  return subscriptionSummaryJson(await billingSubscription(actor.orgId));
});
