// Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`
// (Unix seconds of the attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`,
// computed by the `standardwebhooks` library. During a secret rotation both secrets sign, space-separated,
// so a receiver holding either verifies. Secrets are sealed at rest (lib/secret-box.ts).
import "server-only";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { seal, unseal } from "@/lib/secret-box";

export const SECRET_PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** What the secret columns are sealed for (lib/secret-box.ts): a sealed value opens in these columns only. */
export const SECRET_PURPOSE = "webhook_endpoints.secret";

export const sealWebhookSecret = (plain: string) => seal(plain, SECRET_PURPOSE);

/**
 * The secrets that sign at `now`, opened from their sealed columns: the current one, and the previous
 * one while its grace lasts. Only signing opens them; a value stored before sealing is read as it is.
 */
export function signingSecrets(
  ep: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null },
  now: Date,
): string[] {
  const stored =
    ep.previousSecret && ep.previousSecretExpiresAt && ep.previousSecretExpiresAt > now
      ? [ep.secret, ep.previousSecret]
      : [ep.secret];
  return stored.map((s) => unseal(s, SECRET_PURPOSE));
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
