"use client";
// Stripe.js, loaded only when a Stripe checkout or card form asks for it (never on import): with
// Stripe off, or without its publishable key, no page ever loads it. The loader is the pure build of
// @stripe/stripe-js, which adds Stripe's script tag (js.stripe.com) on the first call.
import type { Stripe } from "@stripe/stripe-js";

export async function loadStripeJs(publishableKey: string): Promise<Stripe> {
  const { loadStripe } = await import("@stripe/stripe-js/pure");
  const stripe = await loadStripe(publishableKey);
  if (!stripe) throw new Error("Stripe.js did not load");
  return stripe;
}

/** Stripe's message for a refused card or form, or ours when Stripe.js itself failed. */
export const STRIPE_JS_UNAVAILABLE =
  "Stripe's form could not load (Stripe.js did not answer). Check your connection, or use Stripe's own page instead.";
