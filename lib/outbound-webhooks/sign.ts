// Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`
// (Unix seconds of the attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`,
// computed by the `standardwebhooks` library. During a secret rotation both secrets sign, space-separated,
// so a receiver holding either verifies.
import "server-only";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

export const SECRET_PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** The secrets that sign at `now`: the current one, and the previous one while its grace lasts. */
export function signingSecrets(
  ep: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null },
  now: Date,
): string[] {
  return ep.previousSecret && ep.previousSecretExpiresAt && ep.previousSecretExpiresAt > now
    ? [ep.secret, ep.previousSecret]
    : [ep.secret];
}

export function webhookHeaders(secrets: string[], msgId: string, sentAt: Date, body: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "Tally-Webhooks/1",
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(msgId, sentAt, body)).join(" "),
  };
}
