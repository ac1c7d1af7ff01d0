import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { changePlan, previewPlanChange } from "@/lib/payments/lifecycle";
import { ZChangePlan } from "@/lib/payments/schemas";

/** `preview: true` answers what the change would cost now without making it (and claims no key). An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/billing/subscription/change-plan",
    auth: "customer",
    body: ZChangePlan,
    idempotent: "optional-key",
    doc: {
      tag: "Billing",
      summary: "Change plan: upgrades now with proration, downgrades at period end",
      description:
        "With `preview: true`, answers the direction, when it takes effect and the prorated amount due now, changing nothing. " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "200": "The change (or its preview)",
        "402": "The prorated charge failed",
        "403": "The plan is not self-serve",
        "404": "No current subscription",
        "409": "Already on this plan",
      },
    },
  },
  async ({ actor, body, idempotencyKey: key }) => {
    assertCanManageBilling(actor);
    if (body.preview)
      return { body: { ...(await previewPlanChange(actor.orgId, body.plan_id)), applied: false }, replayed: false };
    return idempotentCall(
      key ? { orgId: actor.orgId, scope: "billing.change_plan", key, request: body } : null,
      async () => ({
        status: 200,
        body: { ...(await changePlan(actor.orgId, body.plan_id, actorLabel(actor))), applied: true },
      }),
    );
  },
);
