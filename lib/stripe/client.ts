// The only module that constructs the Stripe SDK. Host, port and protocol are configurable so the
// tests (and Stripe-compatible stand-ins) can receive its requests.
import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { processState } from "@/lib/process-state";

const stripeState = processState("stripe.client", () => ({
  client: undefined as { key: string; client: Stripe } | undefined,
  downAt: undefined as number | undefined,
}));

export function stripeConfigured(): boolean {
  return Boolean(env().STRIPE_SECRET_KEY);
}

export function stripe(): Stripe {
  const e = env();
  if (!e.STRIPE_SECRET_KEY)
    throw new AppError(
      "provider_unavailable",
      "Stripe is not configured on this installation (STRIPE_SECRET_KEY is unset).",
    );
  const cacheKey = [e.STRIPE_SECRET_KEY, e.STRIPE_API_HOST, e.STRIPE_API_PORT, e.STRIPE_API_PROTOCOL].join("|");
  if (stripeState.client?.key !== cacheKey) {
    stripeState.client = {
      key: cacheKey,
      client: new Stripe(e.STRIPE_SECRET_KEY, {
        ...(e.STRIPE_API_HOST && { host: e.STRIPE_API_HOST }),
        ...(e.STRIPE_API_PORT && { port: e.STRIPE_API_PORT }),
        ...(e.STRIPE_API_PROTOCOL && { protocol: e.STRIPE_API_PROTOCOL }),
        // Tally retries through its own outbox; the SDK's own retries stay short.
        maxNetworkRetries: 0,
        timeout: 15_000,
        appInfo: { name: "Tally" },
      }),
    };
  }
  return stripeState.client.client;
}

/** Stripe failures as Tally errors: the provider being down is a 503, never a 500. */
export function providerError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const err = e as { statusCode?: number; message?: string; type?: string };
  if (err.statusCode && err.statusCode < 500 && err.statusCode !== 429)
    return new AppError("bad_request", `Stripe refused the request: ${err.message ?? "unknown error"}`);
  stripeState.downAt = Date.now();
  return new AppError("provider_unavailable", "Stripe could not be reached or failed; try again shortly.");
}

/** When Stripe last failed to answer, if within the last five minutes: pages say so. */
export function recentProviderOutage(): Date | null {
  const at = stripeState.downAt;
  return at && Date.now() - at < 5 * 60_000 ? new Date(at) : null;
}

const verifier = processState("stripe.webhook-verifier", () => ({ client: undefined as Stripe | undefined }));
/** Webhook verification needs no API key: a client used only for its webhooks helper. */
export function webhookVerifier(): Stripe {
  verifier.client ??= new Stripe(env().STRIPE_SECRET_KEY ?? "sk_unused_for_webhooks");
  return verifier.client;
}
