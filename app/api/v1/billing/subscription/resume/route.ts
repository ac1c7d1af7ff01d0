import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling } from "@/lib/payments/acting-for";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { resumeSubscription } from "@/lib/payments/lifecycle";
import { ZBillingCustomerBody, ZSubscriptionSummaryJson } from "@/lib/payments/schemas";

/** Undoes a scheduled cancellation. An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/billing/subscription/resume",
    auth: "any",
    body: ZBillingCustomerBody,
    customer: "body",
    idempotent: "optional-key",
    doc: {
      response: ZSubscriptionSummaryJson,
      tag: "Billing",
      summary: "Undo a scheduled cancellation",
      description: ACTS_FOR_CUSTOMER_DOC + " " + IDEMPOTENCY_KEY_DOC,
    },
  },
  async ({ actor, customerId, idempotencyKey: key }) => {
    assertMayManageBilling(actor);
    return idempotentCall(key ? { orgId: customerId, scope: "billing.resume", key, request: {} } : null, async () => {
      await resumeSubscription(customerId, actorLabel(actor));
      return { status: 200, body: subscriptionSummaryJson(await billingSubscription(customerId)) };
    });
  },
);
