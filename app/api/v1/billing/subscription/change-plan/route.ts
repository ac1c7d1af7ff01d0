import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { changePlan, previewPlanChange } from "@/lib/payments/lifecycle";
import { ZChangePlan } from "@/lib/payments/schemas";

/** `preview: true` answers what the change would cost now without making it. */
export const POST = route({ auth: "customer", body: ZChangePlan }, async ({ actor, body }) => {
  assertCanManageBilling(actor);
  const result = body.preview ? await previewPlanChange(actor.orgId, body.plan_id) : await changePlan(actor.orgId, body.plan_id, actorLabel(actor));
  return { ...result, applied: !body.preview };
});
