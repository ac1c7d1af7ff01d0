// Sign-in throttling: failures are counted per email and per client IP in fixed windows, in
// Postgres so that every replica sees the same counts. Past the limit the key is locked until
// the window ends and the caller is told when to retry.
import "server-only";
import { eq, inArray, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { signInThrottle } from "@/lib/db/schema";
import { env } from "@/lib/env";

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

export async function checkSignInAllowed(email: string, ip: string, now = new Date()): Promise<ThrottleVerdict> {
  const rows = await db
    .select({ lockedUntil: signInThrottle.lockedUntil })
    .from(signInThrottle)
    .where(inArray(signInThrottle.key, [emailKey(email), ipKey(ip)]));
  let until = 0;
  for (const r of rows) if (r.lockedUntil && r.lockedUntil.getTime() > now.getTime()) until = Math.max(until, r.lockedUntil.getTime());
  return until ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) } : { allowed: true };
}

/** Counts one failure against the email and the IP; returns the verdict for the next attempt. */
export async function recordSignInFailure(email: string, ip: string, now = new Date()): Promise<ThrottleVerdict> {
  const e = env();
  const windowMs = e.SIGN_IN_WINDOW_SECONDS * 1000;
  // Raw SQL parameters travel as ISO strings: postgres.js does not serialize a bare Date there.
  const windowStart = sql`${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const lockUntilAt = new Date(now.getTime() + windowMs);
  const lockUntil = sql`${lockUntilAt.toISOString()}::timestamptz`;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  for (const [key, limit] of [
    [emailKey(email), e.SIGN_IN_MAX_FAILURES_PER_EMAIL],
    [ipKey(ip), e.SIGN_IN_MAX_FAILURES_PER_IP],
  ] as const) {
    // One statement: a new window starts when the old one has passed; the lock is set by the
    // failure that reaches the limit. Concurrent failures each count (row lock on conflict).
    await db
      .insert(signInThrottle)
      .values({ key, failures: 1, windowStartedAt: now, lockedUntil: limit <= 1 ? lockUntilAt : null })
      .onConflictDoUpdate({
        target: signInThrottle.key,
        set: {
          failures: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart} then 1 else ${signInThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart} then ${nowSql} else ${signInThrottle.windowStartedAt} end`,
          lockedUntil: sql`case when (case when ${signInThrottle.windowStartedAt} < ${windowStart} then 1 else ${signInThrottle.failures} + 1 end) >= ${limit} then ${lockUntil} else ${signInThrottle.lockedUntil} end`,
        },
      });
  }
  return checkSignInAllowed(email, ip, now);
}

/** A correct password clears the email's count (not the IP's: one success must not unlock a spray). */
export async function recordSignInSuccess(email: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, emailKey(email)));
}

/** The client's address as the server sees it (Next.js sets x-forwarded-for from the socket when absent). */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || "unknown";
}
