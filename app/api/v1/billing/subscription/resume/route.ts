import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { resumeSubscription } from "@/lib/payments/lifecycle";

/** Undoes a scheduled cancellation. An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/billing/subscription/resume",
    auth: "customer",
    idempotent: "optional-key",
    doc: {
      tag: "Billing",
      summary: "Undo a scheduled cancellation",
      description: IDEMPOTENCY_KEY_DOC,
    },
  },
  async ({ actor, idempotencyKey: key }) => {
    assertCanManageBilling(actor);
    return idempotentCall(key ? { orgId: actor.orgId, scope: "billing.resume", key, request: {} } : null, async () => {
      await resumeSubscription(actor.orgId, actorLabel(actor));
      return { status: 200, body: subscriptionSummaryJson(await billingSubscription(actor.orgId)) };
    });
  },
);
