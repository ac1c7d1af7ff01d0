import { actorLabel } from "@/lib/auth/actor";
import { originOf } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling, withoutCustomer } from "@/lib/payments/acting-for";
import { checkoutJson, embeddedClientSecret, startCheckout } from "@/lib/payments/checkout";
import { stripePublishableKey } from "@/lib/payments/provider";
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
        "Answers the URL to send the customer to, by the installation's payment rail (PAYMENTS): Stripe Checkout (or, with `ui_mode: embedded`, a `client_secret` to mount Embedded Checkout on your own page with Stripe.js); the test-mode sandbox (`provider: local`; its payments are test money, never revenue); or, with invoice billing (`provider: manual`), the open invoice awaiting payment. Nothing is granted until the payment is confirmed. " +
        ACTS_FOR_CUSTOMER_DOC +
        " " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "201": "{id, url, provider, ui_mode, client_secret}",
        "400": "Unknown plan or pack; a platform key without customer_id",
        "403": "Members cannot change billing; the plan is not self-serve; another customer's customer_id",
        "409": "Already subscribed: change plan instead",
        "503": "Payment provider unavailable",
      },
    },
  },
  async ({ actor, body, customerId, req, idempotencyKey: key }) => {
    assertMayManageBilling(actor);
    const publishableKey = stripePublishableKey();
    // The embedded session's secret is answered but never stored with the key's replay: a replay
    // reads it from Stripe again (and answers none once the session is no longer open).
    let secret: string | null = null;
    const answer = await idempotentCall(
      key ? { orgId: customerId, scope: "billing.checkout", key, request: withoutCustomer(body) } : null,
      async () => {
        const s = await startCheckout(
          customerId,
          {
            planId: body.plan_id,
            creditProductId: body.credit_product_id,
            origin: originOf(req),
            promotionCode: body.promotion_code,
            ui: body.ui_mode,
            returnUrl: body.return_url,
          },
          actorLabel(actor),
        );
        secret = s.clientSecret;
        const json = checkoutJson(s, { clientSecret: s.clientSecret, publishableKey });
        return { status: 201, body: { ...json, client_secret: null } };
      },
    );
    if (answer.body.ui_mode !== "embedded") return answer;
    const clientSecret = answer.replayed ? await embeddedClientSecret(customerId, answer.body.id) : secret;
    return { ...answer, body: { ...answer.body, client_secret: clientSecret } };
  },
);
