// Stripe's webhook signature: HMAC-SHA256 over "timestamp.body" with the endpoint's secret (the
// SDK's check), and the timestamp within the tolerance on both sides of this server's clock. The
// SDK alone refuses only timestamps older than the tolerance: a header signed for tomorrow would
// stay replayable until tomorrow plus the tolerance.
import "server-only";
import { webhookVerifier } from "./client";

/** Stripe's default: five minutes either side of this server's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type SignatureVerdict =
  { ok: true } | { ok: false; reason: "invalid" | "stale" | "future"; secondsOff?: number };

/** The timestamp the SDK checks: the header's last `t=` (Stripe-Signature: t=…,v1=…,v1=…). */
export function signedAt(header: string): number | null {
  let t: number | null = null;
  for (const item of header.split(",")) {
    const [k, v] = item.split("=");
    if (k === "t") t = Number.parseInt(v ?? "", 10);
  }
  return t !== null && Number.isFinite(t) ? t : null;
}

export function checkWebhookSignature(
  rawBody: string,
  header: string,
  secret: string,
  nowMs = Date.now(),
): SignatureVerdict {
  const sdk = webhookVerifier().webhooks.signature;
  if (!sdk) throw new Error("The Stripe SDK has no webhook signature helper.");
  try {
    // Tolerance 0: the SDK checks the HMAC only; both time checks are below, so each refusal says which it is.
    sdk.verifyHeader(rawBody, header, secret, 0);
  } catch {
    return { ok: false, reason: "invalid" };
  }
  const t = signedAt(header);
  if (t === null) return { ok: false, reason: "invalid" };
  const age = Math.floor(nowMs / 1000) - t;
  if (age > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: "stale", secondsOff: age };
  if (-age > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: "future", secondsOff: -age };
  return { ok: true };
}
