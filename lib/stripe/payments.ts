// Re-reads of the objects that move money — Checkout Sessions, PaymentIntents, Charges, Refunds — as plain
// objects (no SDK type leaves lib/stripe). The webhook handlers act on these, never on an event's
// body: a missing object is null (a 404 at Stripe), any other failure a provider error (a 5xx to
// Stripe, which retries).
import "server-only";
import type Stripe from "stripe";
import { providerError, stripe } from "./client";

export type StripeCheckoutState = {
  id: string;
  mode: string;
  /** open, complete or expired. */
  status: string | null;
  /** paid, unpaid or no_payment_required. */
  paymentStatus: string;
  customerId: string | null;
  clientReferenceId: string | null;
  subscriptionId: string | null;
  paymentIntentId: string | null;
  amountTotal: number | null;
  currency: string | null;
  metadata: Record<string, string>;
  /** An embedded session's secret for Stripe.js (null for a hosted one). */
  clientSecret: string | null;
  /** False for an object of Stripe's test mode (an sk_test_ key): test money, never revenue. */
  livemode: boolean;
  /** Null when Stripe did not include them (more than it expands at once). */
  lineItems: { priceId: string | null; quantity: number; amountTotal: number; currency: string }[] | null;
};

export type StripePaymentIntentState = {
  id: string;
  status: string;
  amount: number;
  amountReceived: number;
  currency: string;
  customerId: string | null;
  description: string | null;
  metadata: Record<string, string>;
  failureMessage: string | null;
  created: Date;
  /** False for an object of Stripe's test mode (an sk_test_ key): test money, never revenue. */
  livemode: boolean;
};

export type StripeChargeState = {
  id: string;
  paymentIntentId: string | null;
  customerId: string | null;
  amount: number;
  /** Cumulative, over every refund of the charge. */
  amountRefunded: number;
  currency: string;
  description: string | null;
  created: Date;
};

export type StripeRefundState = {
  id: string;
  chargeId: string | null;
  /** pending, requires_action, succeeded, failed or canceled. */
  status: string | null;
  amount: number;
};

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === "string" ? v : v.id);

async function retrieveOrNull<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

export async function retrieveCheckoutSession(id: string): Promise<StripeCheckoutState | null> {
  const s = await retrieveOrNull(() => stripe().checkout.sessions.retrieve(id, { expand: ["line_items"] }));
  if (!s) return null;
  const items = s.line_items;
  return {
    id: s.id,
    mode: s.mode,
    status: s.status,
    paymentStatus: s.payment_status,
    customerId: idOf(s.customer as string | { id: string } | null),
    clientReferenceId: s.client_reference_id,
    subscriptionId: idOf(s.subscription as string | { id: string } | null),
    paymentIntentId: idOf(s.payment_intent as string | { id: string } | null),
    amountTotal: s.amount_total,
    currency: s.currency,
    metadata: (s.metadata ?? {}) as Record<string, string>,
    clientSecret: s.client_secret ?? null,
    livemode: s.livemode !== false,
    lineItems:
      items && !items.has_more
        ? items.data.map((l: Stripe.LineItem) => ({
            priceId: l.price?.id ?? null,
            quantity: l.quantity ?? 1,
            amountTotal: l.amount_total,
            currency: l.currency,
          }))
        : null,
  };
}

export async function retrievePaymentIntent(id: string): Promise<StripePaymentIntentState | null> {
  const pi = await retrieveOrNull(() => stripe().paymentIntents.retrieve(id));
  if (!pi) return null;
  return {
    id: pi.id,
    status: pi.status,
    amount: pi.amount,
    amountReceived: pi.amount_received,
    currency: pi.currency,
    customerId: idOf(pi.customer as string | { id: string } | null),
    description: pi.description,
    metadata: (pi.metadata ?? {}) as Record<string, string>,
    failureMessage: pi.last_payment_error?.message ?? null,
    created: new Date(pi.created * 1000),
    livemode: pi.livemode !== false,
  };
}

export async function retrieveCharge(id: string): Promise<StripeChargeState | null> {
  const ch = await retrieveOrNull(() => stripe().charges.retrieve(id));
  if (!ch) return null;
  return {
    id: ch.id,
    paymentIntentId: idOf(ch.payment_intent as string | { id: string } | null),
    customerId: idOf(ch.customer as string | { id: string } | null),
    amount: ch.amount,
    amountRefunded: ch.amount_refunded,
    currency: ch.currency,
    description: ch.description,
    created: new Date(ch.created * 1000),
  };
}

export async function retrieveRefund(id: string): Promise<StripeRefundState | null> {
  const r = await retrieveOrNull(() => stripe().refunds.retrieve(id));
  if (!r) return null;
  return { id: r.id, chargeId: idOf(r.charge as string | { id: string } | null), status: r.status, amount: r.amount };
}
