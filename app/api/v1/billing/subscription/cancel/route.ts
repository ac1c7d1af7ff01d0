import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling, withoutCustomer } from "@/lib/payments/acting-for";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";
import { cancelAtPeriodEnd, cancelNow } from "@/lib/payments/lifecycle";
import { ZCancel, ZSubscriptionSummaryJson } from "@/lib/payments/schemas";

/** Cancels at the end of the current period (the plan stays until then), or with at_period_end false, now. An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/billing/subscription/cancel",
    auth: "any",
    body: ZCancel,
    customer: "body",
    idempotent: "optional-key",
    doc: {
      response: ZSubscriptionSummaryJson,
      tag: "Billing",
      summary: "Cancel at the end of the current period, or now",
      description:
        "By default the plan stays until the period ends. With `at_period_end: false` the subscription ends now; the usage of the period so far is billed once on a final invoice (for Stripe subscriptions, a separate Stripe invoice). " +
        ACTS_FOR_CUSTOMER_DOC +
        " " +
        IDEMPOTENCY_KEY_DOC,
    },
  },
  async ({ actor, body, customerId, idempotencyKey: key }) => {
    assertMayManageBilling(actor);
    return idempotentCall(
      key ? { orgId: customerId, scope: "billing.cancel", key, request: withoutCustomer(body) } : null,
      async () => {
        await (body.at_period_end ? cancelAtPeriodEnd : cancelNow)(customerId, actorLabel(actor));
        return { status: 200, body: subscriptionSummaryJson(await billingSubscription(customerId)) };
      },
    );
  },
);
