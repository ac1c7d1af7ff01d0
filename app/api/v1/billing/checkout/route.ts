import { actorLabel, assertCanManageBilling } from "@/lib/auth/actor";
import { originOf } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { idempotentReply } from "@/lib/idempotency/reply";
import { startCheckout } from "@/lib/payments/checkout";
import { ZCheckout } from "@/lib/payments/schemas";

/** Stripe Checkout (when Stripe is configured) or the local sandbox: answer the URL to send the customer to. An Idempotency-Key replays the first answer. */
export const POST = route({ auth: "customer", body: ZCheckout }, async ({ actor, body, req }) => {
  assertCanManageBilling(actor);
  return idempotentReply(req, { orgId: actor.orgId, scope: "billing.checkout", request: body }, async () => {
    const s = await startCheckout(actor.orgId, { planId: body.plan_id, creditProductId: body.credit_product_id, origin: originOf(req) }, actorLabel(actor));
    return { status: 201, body: { id: s.id, url: s.url, provider: s.provider, kind: s.kind, amount_cents: s.amountCents, currency: s.currency, expires_at: s.expiresAt.toISOString() } };
  });
});
