import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { changePlan, previewPlanChange } from "@/lib/payments/lifecycle";
import { ZChangePlan } from "@/lib/payments/schemas";

/** `preview: true` answers what the change would cost now without making it. */
export const POST = route({
  path: "/api/v1/billing/subscription/change-plan",
  auth: "customer", body: ZChangePlan,
  doc: {
    tag: "Billing",
    summary: "Change plan: upgrades now with proration, downgrades at period end",
    description: "With `preview: true`, answers the direction, when it takes effect and the prorated amount due now, changing nothing.",
    responses: { "200": "The change (or its preview)", "402": "The prorated charge failed", "403": "The plan is not self-serve", "404": "No current subscription", "409": "Already on this plan" },
  },
}, async ({ actor, body }) => {
  assertCanManageBilling(actor);
  const result = body.preview ? await previewPlanChange(actor.orgId, body.plan_id) : await changePlan(actor.orgId, body.plan_id, actorLabel(actor));
  return { ...result, applied: !body.preview };
});
