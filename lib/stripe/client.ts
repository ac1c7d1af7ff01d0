// Every call's outcome is observed at the HTTP client: a request made for someone waiting (checkout,
// portal, a plan change, a webhook's re-read) gives up after STRIPE_REQUEST_TIMEOUT_MS, background
// work (the outbox) after 15 s; and when Stripe answers again after failing, the outbox's Stripe jobs
// waiting out their backoff are brought forward.
import "server-only";
import Stripe from "stripe";
import { outsideTransaction } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { inBackgroundWork } from "@/lib/jobs/background";
import { bringForward } from "@/lib/jobs/outbox";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";

/** Background work (the outbox, scheduled jobs) waits this long for Stripe: nobody is waiting on it. */
export const BACKGROUND_TIMEOUT_MS = 15_000;
/** What a 503 for a Stripe that failed or did not answer tells the client to wait before retrying. */
export const PROVIDER_RETRY_AFTER_SECONDS = 5;
/** At most one bring-forward per this interval per process, however Stripe flaps. */
const RECOVERY_COOLDOWN_MS = 30_000;

const stripeState = processState("stripe.client", () => ({
  clients: undefined as { key: string; request: Stripe; background: Stripe } | undefined,
  downAt: undefined as number | undefined,
  /** Since when Stripe has failed (a 5xx, no connection, no answer in time), until it answers again. */
  failingSince: undefined as number | undefined,
  lastRecoveryAt: 0,
  /** The last bring-forward, for tests to wait on. */
  recovery: Promise.resolve(0),
}));

export function stripeConfigured(): boolean {
  return Boolean(env().STRIPE_SECRET_KEY);
}

function noteFailure() {
  const at = Date.now();
  stripeState.downAt = at;
  stripeState.failingSince ??= at;
}

/**
 * Stripe answered (anything but a 5xx or a 429). After a failure, the outbox's Stripe jobs waiting
 * out their backoff become due now, once per cooldown: a flapping Stripe does not pull them forward
 * again and again. The jobs themselves still run one at a time per worker, as any due job.
 */
function noteAnswer() {
  const since = stripeState.failingSince;
  if (since === undefined) return;
  stripeState.failingSince = undefined;
  const now = Date.now();
  if (now - stripeState.lastRecoveryAt < RECOVERY_COOLDOWN_MS) return;
  stripeState.lastRecoveryAt = now;
  // Not the caller's work, nor its transaction's: it runs on its own and never fails the call.
  stripeState.recovery = outsideTransaction(() =>
    bringForward("stripe.").then(
      (moved) => {
        if (moved > 0)
          log.info(
            { jobs: moved, failing_for_s: Math.round((now - since) / 1000) },
            "Stripe answers again; its waiting outbox jobs are due now",
          );
        return moved;
      },
      (err: unknown) => {
        log.warn({ err }, "bringing Stripe's outbox jobs forward failed; they run after their backoff");
        return 0;
      },
    ),
  );
}

/** Resolves when the last bring-forward (if any) is done, with how many jobs it moved. */
export function stripeRecovery(): Promise<number> {
  return stripeState.recovery;
}

/** Node's HTTP client for the SDK, reporting each call's outcome. */
function observedHttpClient(): ReturnType<typeof Stripe.createNodeHttpClient> {
  const inner = Stripe.createNodeHttpClient();
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: async (...args) => {
      try {
        const res = await inner.makeRequest(...args);
        const status = res.getStatusCode();
        if (status >= 500) noteFailure();
        // A 429 is Stripe asking for less: neither down nor a reason to send the backlog.
        else if (status !== 429) noteAnswer();
        return res;
      } catch (e) {
        noteFailure();
        throw e;
      }
    },
  };
}

export function stripe(): Stripe {
  const e = env();
  if (!e.STRIPE_SECRET_KEY)
    throw new AppError(
      "provider_unavailable",
      "Stripe is not configured on this installation (STRIPE_SECRET_KEY is unset).",
    );
  const cacheKey = [
    e.STRIPE_SECRET_KEY,
    e.STRIPE_API_HOST,
    e.STRIPE_API_PORT,
    e.STRIPE_API_PROTOCOL,
    e.STRIPE_REQUEST_TIMEOUT_MS,
  ].join("|");
  if (stripeState.clients?.key !== cacheKey) {
    const make = (timeout: number) =>
      new Stripe(e.STRIPE_SECRET_KEY!, {
        ...(e.STRIPE_API_HOST && { host: e.STRIPE_API_HOST }),
        ...(e.STRIPE_API_PORT && { port: e.STRIPE_API_PORT }),
        ...(e.STRIPE_API_PROTOCOL && { protocol: e.STRIPE_API_PROTOCOL }),
        // Tally retries through its own outbox; the SDK's own retries stay short.
        maxNetworkRetries: 0,
        timeout,
        httpClient: observedHttpClient(),
        appInfo: { name: "Tally" },
      });
    stripeState.clients = {
      key: cacheKey,
      request: make(e.STRIPE_REQUEST_TIMEOUT_MS),
      background: make(BACKGROUND_TIMEOUT_MS),
    };
  }
  return inBackgroundWork() ? stripeState.clients.background : stripeState.clients.request;
}

/** Stripe failures as Tally errors: the provider being down, or not answering in time, is a 503 with Retry-After, never a 500. */
export function providerError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const err = e as { statusCode?: number; message?: string; type?: string };
  if (err.statusCode && err.statusCode < 500 && err.statusCode !== 429)
    return new AppError("bad_request", `Stripe refused the request: ${err.message ?? "unknown error"}`);
  stripeState.downAt = Date.now();
  const timedOut = err.type === "StripeConnectionError" && /timeout/i.test(err.message ?? "");
  const retryAfter = { "retry-after": String(PROVIDER_RETRY_AFTER_SECONDS) };
  if (timedOut) {
    const waited = inBackgroundWork() ? BACKGROUND_TIMEOUT_MS : env().STRIPE_REQUEST_TIMEOUT_MS;
    return new AppError(
      "provider_unavailable",
      `Stripe did not answer within ${waited / 1000} s; try again in a few seconds.`,
      undefined,
      retryAfter,
    );
  }
  return new AppError(
    "provider_unavailable",
    "Stripe could not be reached or failed; try again shortly.",
    undefined,
    retryAfter,
  );
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
