// Stripe's object types for the webhook handlers, so that only lib/stripe imports the SDK.
import type Stripe from "stripe";

export type StripeEvent = Stripe.Event;
export type StripeSubscriptionObject = Stripe.Subscription;
export type StripeInvoiceObject = Stripe.Invoice;
export type StripeCheckoutSession = Stripe.Checkout.Session;
export type StripePaymentIntent = Stripe.PaymentIntent;
export type StripeCharge = Stripe.Charge;
export type StripePaymentMethod = Stripe.PaymentMethod;
export type StripePrice = Stripe.Price;
export type StripeProduct = Stripe.Product;
