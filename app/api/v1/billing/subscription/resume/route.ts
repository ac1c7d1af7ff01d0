import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { resumeSubscription } from "@/lib/payments/lifecycle";

export const POST = route({
  path: "/api/v1/billing/subscription/resume",
  auth: "customer",
  doc: {
    tag: "Billing",
    summary: "Undo a scheduled cancellation",
  },
}, async ({ actor }) => {
  assertCanManageBilling(actor);
  await resumeSubscription(actor.orgId, actorLabel(actor));
  return subscriptionSummaryJson(await billingSubscription(actor.orgId));
});
