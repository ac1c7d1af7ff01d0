// Secrets Tally must read back (outbound webhook signing secrets) are sealed at rest with AES-256-GCM.
// A sealed value names the key that sealed it: `tenc1:<key id>:<base64url of iv | ciphertext | tag>`,
// so keys can rotate. TALLY_ENCRYPTION_KEY (a comma-separated list: the first seals, every one opens)
// when set; otherwise a key derived from AUTH_SECRET with HKDF. The AUTH_SECRET key always opens too,
// so an installation moving to a dedicated key keeps reading what it sealed before; the start-up pass
// (resealWebhookSecrets) rewrites old and plaintext values under the current key.
import "server-only";
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";

const PREFIX = "tenc1";
type Key = { id: string; bytes: Buffer };

function deriveKey(material: string): Key {
  const bytes = Buffer.from(hkdfSync("sha256", material, "tally.secret-box", "aes-256-gcm v1", 32));
  const id = createHash("sha256").update("tally.key-id").update(bytes).digest("hex").slice(0, 12);
  return { id, bytes };
}

/** The sealing key first, then every key that may open. */
function keyring(): Key[] {
  const dedicated = (env().TALLY_ENCRYPTION_KEY ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  return [...dedicated, authSecret()].map(deriveKey);
}

export const isSealed = (stored: string) => stored.startsWith(`${PREFIX}:`);

/** Whether a stored value is sealed under the key that seals now (else a reseal rewrites it). */
export const isSealedWithCurrentKey = (stored: string) => stored.startsWith(`${PREFIX}:${keyring()[0]!.id}:`);

/** `purpose` is bound into the seal, so a value copied into another column does not open there. */
export function seal(plain: string, purpose: string): string {
  const key = keyring()[0]!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}:${key.id}:${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url")}`;
}

/** The plaintext of a sealed value; a value stored before sealing existed is returned as it is. */
export function unseal(stored: string, purpose: string): string {
  if (!isSealed(stored)) return stored;
  const [, keyId, payload] = stored.split(":");
  const key = keyring().find((k) => k.id === keyId);
  if (!key || !payload)
    throw new Error(
      `A secret is sealed with key ${keyId}, which is not configured: add the key it was sealed with to TALLY_ENCRYPTION_KEY (after the current one), or restore the AUTH_SECRET it was sealed under.`,
    );
  const raw = Buffer.from(payload, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
}
