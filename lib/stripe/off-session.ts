// Charging a saved card without the customer present (auto top-up): a PaymentIntent created with
// off_session and confirm, keyed so a retried job never charges twice. Stripe answers a card that
// is declined or needs the customer's authentication with a 402 naming the PaymentIntent; those are
// outcomes, not errors. Anything else (Stripe down, 429) throws a provider error for the outbox to
// retry with the same key.
import "server-only";
import { providerError, stripe } from "./client";

export type OffSessionCharge =
  | { status: "succeeded"; paymentIntentId: string; amountReceived: number; currency: string; livemode: boolean }
  | { status: "requires_action" | "failed"; paymentIntentId: string | null; message: string };

type StripeCardErrorLike = {
  statusCode?: number;
  code?: string;
  message?: string;
  payment_intent?: { id?: string; status?: string } | null;
};

export async function chargeOffSession(input: {
  customerId: string;
  paymentMethodId: string;
  amountCents: number;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
}): Promise<OffSessionCharge> {
  try {
    const pi = await stripe().paymentIntents.create(
      {
        amount: input.amountCents,
        currency: input.currency,
        customer: input.customerId,
        payment_method: input.paymentMethodId,
        off_session: true,
        confirm: true,
        description: input.description,
        metadata: input.metadata,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    if (pi.status === "succeeded")
      return {
        status: "succeeded",
        paymentIntentId: pi.id,
        amountReceived: pi.amount_received,
        currency: pi.currency,
        livemode: pi.livemode !== false,
      };
    if (pi.status === "requires_action")
      return {
        status: "requires_action",
        paymentIntentId: pi.id,
        message: "Your bank asks you to confirm this payment.",
      };
    return {
      status: "failed",
      paymentIntentId: pi.id,
      message: pi.last_payment_error?.message ?? `The payment did not go through (${pi.status}).`,
    };
  } catch (e) {
    const err = e as StripeCardErrorLike;
    if (err.statusCode === 402) {
      const piId = err.payment_intent?.id ?? null;
      if (err.code === "authentication_required" || err.payment_intent?.status === "requires_action")
        return {
          status: "requires_action",
          paymentIntentId: piId,
          message: "Your bank asks you to confirm this payment.",
        };
      return { status: "failed", paymentIntentId: piId, message: err.message ?? "Your card was declined." };
    }
    throw providerError(e);
  }
}
