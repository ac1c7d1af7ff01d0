import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling, withoutCustomer } from "@/lib/payments/acting-for";
import { changePlan, previewPlanChange } from "@/lib/payments/lifecycle";
import { ZChangePlan, ZPlanChangeJson } from "@/lib/payments/schemas";

/** `preview: true` answers what the change would cost now without making it (and claims no key). An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/billing/subscription/change-plan",
    auth: "any",
    body: ZChangePlan,
    customer: "body",
    idempotent: "optional-key",
    doc: {
      tag: "Billing",
      response: ZPlanChangeJson,
      summary: "Change plan: upgrades now with proration, downgrades at period end",
      description:
        "With `preview: true`, answers the direction, when it takes effect and the prorated amount due now, changing nothing. " +
        ACTS_FOR_CUSTOMER_DOC +
        " " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "200": "The change (or its preview)",
        "400": "A platform key without customer_id",
        "402": "The prorated charge failed",
        "403": "The plan is not self-serve; another customer's customer_id",
        "404": "No current subscription",
        "409": "Already on this plan",
      },
    },
  },
  async ({ actor, body, customerId, idempotencyKey: key }) => {
    assertMayManageBilling(actor);
    if (body.preview)
      return { body: { ...(await previewPlanChange(customerId, body.plan_id)), applied: false }, replayed: false };
    return idempotentCall(
      key ? { orgId: customerId, scope: "billing.change_plan", key, request: withoutCustomer(body) } : null,
      async () => ({
        status: 200,
        body: {
          ...(await changePlan(customerId, body.plan_id, actorLabel(actor), undefined, {
            promotionCode: body.promotion_code,
          })),
          applied: true,
        },
      }),
    );
  },
);
