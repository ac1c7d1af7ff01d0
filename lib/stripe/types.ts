// Stripe's object types for the webhook handlers, so that only lib/stripe imports the SDK. The
// handlers read only an event's type and object id from these; every object is re-read
// (lib/stripe/payments.ts, billing.ts, catalog.ts).
import type Stripe from "stripe";

export type StripeEvent = Stripe.Event;
export type StripeSubscriptionObject = Stripe.Subscription;
export type StripeInvoiceObject = Stripe.Invoice;
export type StripePrice = Stripe.Price;
export type StripeProduct = Stripe.Product;
