// Stripe's object types for the webhook handlers, so that only lib/stripe imports the SDK. Only the
// objects an event's own copy may be used for (without an API key) are here; payments, refunds and
// payment methods are always re-read (lib/stripe/payments.ts, billing.ts).
import type Stripe from "stripe";

export type StripeEvent = Stripe.Event;
export type StripeSubscriptionObject = Stripe.Subscription;
export type StripeInvoiceObject = Stripe.Invoice;
export type StripePrice = Stripe.Price;
export type StripeProduct = Stripe.Product;
