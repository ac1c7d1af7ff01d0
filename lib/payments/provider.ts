// Which payment rail this installation uses, decided here only (PAYMENTS in lib/env.ts):
//   stripe  — Stripe Checkout and webhooks (the default when STRIPE_SECRET_KEY is set);
//   sandbox — the local test-mode card, as Stripe's test mode: it grants what it sells, but its
//             money is marked livemode = false and never counts as revenue (the default on the
//             embedded demo database);
//   invoice — a checkout issues an open invoice; an operator marks it paid, recording how, and only
//             then are credits granted or the plan started (the default on DATABASE_URL).
// lib/env.ts refuses contradictions (PAYMENTS=stripe without a key, a key with another rail).
import "server-only";
import { env, type Env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

export type PaymentRail = "stripe" | "sandbox" | "invoice";
/** The provider recorded on checkouts: local is the sandbox, manual is invoice billing. */
export type ProviderKind = "stripe" | "local" | "manual";

export function railOf(e: Pick<Env, "PAYMENTS" | "STRIPE_SECRET_KEY" | "DATABASE_URL">): PaymentRail {
  if (e.PAYMENTS) return e.PAYMENTS;
  if (e.STRIPE_SECRET_KEY) return "stripe";
  return e.DATABASE_URL ? "invoice" : "sandbox";
}

export function paymentRail(): PaymentRail {
  return railOf(env());
}

export function activeProvider(): ProviderKind {
  const rail = paymentRail();
  return rail === "stripe" ? "stripe" : rail === "sandbox" ? "local" : "manual";
}

/** The sandbox's card, checkout and portal exist only on the sandbox rail; elsewhere they are not found. */
export function requireSandbox(): void {
  if (paymentRail() !== "sandbox") throw new AppError("not_found", "The payment sandbox is off on this installation.");
}

/**
 * The publishable key Stripe.js is loaded with, on the Stripe rail only: without it (or off Stripe)
 * nothing loads Stripe.js, and Stripe checkouts use the hosted page.
 */
export function stripePublishableKey(): string | null {
  return paymentRail() === "stripe" ? (env().STRIPE_PUBLISHABLE_KEY ?? null) : null;
}
