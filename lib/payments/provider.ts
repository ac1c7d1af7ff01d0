// Which payment provider this installation uses: Stripe when STRIPE_SECRET_KEY is set, otherwise
// the local sandbox, so the whole product works offline.
import "server-only";
import { stripeConfigured } from "@/lib/stripe/client";

export type ProviderKind = "stripe" | "local";

export function activeProvider(): ProviderKind {
  return stripeConfigured() ? "stripe" : "local";
}
