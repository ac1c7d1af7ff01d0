import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentReply } from "@/lib/idempotency/reply";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { cancelAtPeriodEnd, cancelNow } from "@/lib/payments/lifecycle";
import { ZCancel } from "@/lib/payments/schemas";

/** Cancels at the end of the current period (the plan stays until then), or with at_period_end false, now. An Idempotency-Key replays the first answer. */
export const POST = route({ auth: "customer", body: ZCancel }, async ({ actor, body, req }) => {
  assertCanManageBilling(actor);
  return idempotentReply(req, { orgId: actor.orgId, scope: "billing.cancel", request: body }, async () => {
    await (body.at_period_end ? cancelAtPeriodEnd : cancelNow)(actor.orgId, actorLabel(actor));
    return { status: 200, body: subscriptionSummaryJson(await billingSubscription(actor.orgId)) };
  });
});
