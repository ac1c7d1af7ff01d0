// Password hashing with scrypt (memory-hard, in Node's standard library): N=2^15, r=8, p=1 uses
// 32 MiB and ~50 ms a hash here, which makes offline guessing expensive.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { processState } from "@/lib/process-state";

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export const MIN_PASSWORD_LENGTH = 8;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Spends the same time as a real check, so an unknown email is not told apart by timing. */
const dummy = processState("auth.dummy-hash", () => ({ hash: undefined as Promise<string> | undefined }));
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy.hash ??= hashPassword("tally-timing-equalizer");
  await verifyPassword(password, await dummy.hash);
}
