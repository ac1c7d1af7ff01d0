import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentReply } from "@/lib/idempotency/reply";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { resumeSubscription } from "@/lib/payments/lifecycle";

/** Undoes a scheduled cancellation. An Idempotency-Key replays the first answer. */
export const POST = route({ auth: "customer" }, async ({ actor, req }) => {
  assertCanManageBilling(actor);
  return idempotentReply(req, { orgId: actor.orgId, scope: "billing.resume", request: {} }, async () => {
    await resumeSubscription(actor.orgId, actorLabel(actor));
    return { status: 200, body: subscriptionSummaryJson(await billingSubscription(actor.orgId)) };
  });
});
