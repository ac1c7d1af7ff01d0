// Single-use link tokens (password resets, invitations): "<row id>.<secret>", where the secret is 32
// random bytes and only its SHA-256 is stored, so a database read does not yield a working link.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const newSecret = () => randomBytes(32).toString("base64url");
export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");
export const linkToken = (id: string, secret: string) => `${id}.${secret}`;

export function parseLinkToken(token: string | null | undefined): { id: string; secret: string } | null {
  const m = /^([a-z]+_[0-9a-z]+)\.([A-Za-z0-9_-]{43})$/.exec(String(token ?? "").trim());
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
