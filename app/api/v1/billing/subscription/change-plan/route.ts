import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentReply } from "@/lib/idempotency/reply";
import { changePlan, previewPlanChange } from "@/lib/payments/lifecycle";
import { ZChangePlan } from "@/lib/payments/schemas";

/** `preview: true` answers what the change would cost now without making it. An Idempotency-Key replays the first answer. */
export const POST = route({ auth: "customer", body: ZChangePlan }, async ({ actor, body, req }) => {
  assertCanManageBilling(actor);
  if (body.preview) return { ...(await previewPlanChange(actor.orgId, body.plan_id)), applied: false };
  return idempotentReply(req, { orgId: actor.orgId, scope: "billing.change_plan", request: body }, async () => ({ status: 200, body: { ...(await changePlan(actor.orgId, body.plan_id, actorLabel(actor))), applied: true } }));
});
