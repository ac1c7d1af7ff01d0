import { actorLabel } from "@/lib/auth/actor";
import { originOf } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling, withoutCustomer } from "@/lib/payments/acting-for";
import { checkoutJson, startCheckout } from "@/lib/payments/checkout";
import { ZCheckout, ZCheckoutJson } from "@/lib/payments/schemas";

/** Stripe Checkout (when Stripe is configured) or the local sandbox: answer the URL to send the customer to. An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/billing/checkout",
    auth: "any",
    body: ZCheckout,
    customer: "body",
    idempotent: "optional-key",
    doc: {
      tag: "Billing",
      response: ZCheckoutJson,
      summary: "Start a checkout for a plan or a credit pack",
      description:
        "Answers the URL to send the customer to, by the installation's payment rail (PAYMENTS): Stripe Checkout; the test-mode sandbox (`provider: local`; its payments are test money, never revenue); or, with invoice billing (`provider: manual`), the open invoice awaiting payment. Nothing is granted until the payment is confirmed. " +
        ACTS_FOR_CUSTOMER_DOC +
        " " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "201": "{id, url, provider}",
        "400": "Unknown plan or pack; a platform key without customer_id",
        "403": "Members cannot change billing; the plan is not self-serve; another customer's customer_id",
        "409": "Already subscribed: change plan instead",
        "503": "Payment provider unavailable",
      },
    },
  },
  async ({ actor, body, customerId, req, idempotencyKey: key }) => {
    assertMayManageBilling(actor);
    return idempotentCall(
      key ? { orgId: customerId, scope: "billing.checkout", key, request: withoutCustomer(body) } : null,
      async () => {
        const s = await startCheckout(
          customerId,
          {
            planId: body.plan_id,
            creditProductId: body.credit_product_id,
            origin: originOf(req),
            promotionCode: body.promotion_code,
          },
          actorLabel(actor),
        );
        return { status: 201, body: checkoutJson(s) };
      },
    );
  },
);
