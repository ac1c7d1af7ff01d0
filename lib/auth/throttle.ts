// Sign-in throttling: attempts are counted per email and per client IP in fixed windows, in
// Postgres so that every replica sees the same counts. An attempt is counted before its password
// is checked, by one statement that increments and returns the count: concurrent attempts each
// get their own number, so no more than the limit are ever checked in a window. A correct
// password gives its attempt back. Past the limit the key is locked until its window ends and the
// caller is told when to retry.
import "server-only";
import { processState } from "@/lib/process-state";
import { eq, inArray, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { int, nullable, selectRows } from "@/lib/db/rows";
import { signInThrottle } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { clientIpOf } from "./client-ip";

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;
// Raw SQL parameters travel as ISO strings: postgres.js does not serialize a bare Date there.
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * scope "": sign-in attempts; "reset:": password-reset requests; "sign-up:": new accounts (each one
 * an organization). Each counted apart, so none of them ever locks sign-in.
 */
export type ThrottleScope = "" | "reset:" | "sign-up:";

function keysOf(email: string, ip: string | null, scope: ThrottleScope = ""): { key: string; limit: number }[] {
  const e = env();
  const keys = [{ key: scope + emailKey(email), limit: e.SIGN_IN_MAX_FAILURES_PER_EMAIL }];
  if (ip)
    keys.push({
      key: scope + ipKey(ip),
      limit: scope === "sign-up:" ? e.SIGN_UPS_PER_IP : e.SIGN_IN_MAX_FAILURES_PER_IP,
    });
  return keys;
}

// Capped at the window: concurrent attempts carry their own clocks, a few ms apart.
const refusedUntil = (until: number, now: Date): ThrottleVerdict => ({
  allowed: false,
  retryAfterSeconds: Math.min(env().SIGN_IN_WINDOW_SECONDS, Math.max(1, Math.ceil((until - now.getTime()) / 1000))),
});

/** Whether an attempt would be refused now, without counting one (an early 429 before any work). */
export async function checkSignInAllowed(email: string, ip: string | null, now = new Date()): Promise<ThrottleVerdict> {
  const locks = await db
    .select({ lockedUntil: signInThrottle.lockedUntil })
    .from(signInThrottle)
    .where(
      inArray(
        signInThrottle.key,
        keysOf(email, ip).map((k) => k.key),
      ),
    );
  let until = 0;
  for (const r of locks)
    if (r.lockedUntil && r.lockedUntil.getTime() > now.getTime()) until = Math.max(until, r.lockedUntil.getTime());
  return until ? refusedUntil(until, now) : { allowed: true };
}

/**
 * Counts one attempt against the email and the IP (null: the address is unknown, the email alone
 * counts) and says whether it may go ahead. Call before checking the password.
 */
export async function claimSignInAttempt(
  email: string,
  ip: string | null,
  now = new Date(),
  scope: ThrottleScope = "",
): Promise<ThrottleVerdict> {
  const windowSeconds = env().SIGN_IN_WINDOW_SECONDS;
  const keys = keysOf(email, ip, scope);
  const windowStart = at(new Date(now.getTime() - windowSeconds * 1000));
  const firstLock = at(new Date(now.getTime() + windowSeconds * 1000));
  const limitOf = sql.join(
    keys.map((k) => sql`when ${k.key} then ${k.limit}::int`),
    sql` `,
  );
  const expired = sql`t.window_started_at <= ${windowStart}`;
  const count = sql`(case when ${expired} then 1 else t.failures + 1 end)`;
  const started = sql`(case when ${expired} then ${at(now)} else t.window_started_at end)`;
  // One statement: a new window starts when the old one has passed; the attempt that reaches the
  // limit locks the key until its window ends. Rows are locked in the order given (email, then IP)
  // by every caller, so concurrent attempts queue on the row instead of deadlocking.
  const counted = await selectRows(
    { failures: int, limit: int, locked_until_ms: nullable(int) },
    sql`
    insert into ${signInThrottle} as t (key, failures, window_started_at, locked_until)
    values ${sql.join(
      keys.map((k) => sql`(${k.key}, 1, ${at(now)}, ${k.limit <= 1 ? firstLock : sql`null::timestamptz`})`),
      sql`, `,
    )}
    on conflict (key) do update set
      failures = ${count},
      window_started_at = ${started},
      locked_until = case when ${count} >= (case t.key ${limitOf} end)
        then ${started} + ${windowSeconds}::int * interval '1 second' else null end
    returning t.failures, (case t.key ${limitOf} end) as "limit", (extract(epoch from t.locked_until) * 1000)::float8 as locked_until_ms`,
  );
  let until = 0;
  for (const r of counted) {
    if (r.failures <= r.limit) continue;
    until = Math.max(until, r.locked_until_ms === null ? now.getTime() + windowSeconds * 1000 : r.locked_until_ms);
  }
  return until ? refusedUntil(until, now) : { allowed: true };
}

/**
 * A correct password clears the email's count and gives its attempt back to the IP (the IP keeps
 * its other attempts: one success must not unlock a spray over many emails).
 */
export async function recordSignInSuccess(email: string, ip: string | null): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, emailKey(email)));
  if (!ip) return;
  const limit = env().SIGN_IN_MAX_FAILURES_PER_IP;
  await db.execute(sql`
    update ${signInThrottle} set failures = greatest(failures - 1, 0),
      locked_until = case when failures - 1 >= ${limit}::int then locked_until else null end
    where key = ${ipKey(ip)}`);
}

/** Warned once per process, not once per bundle (lib/process-state.ts). */
const warned = processState("auth.warned-unknown-peer", () => ({ unknownPeer: false }));

/** The client's address, or null when this process cannot know it (see client-ip.ts). */
export function clientIp(headers: { get(name: string): string | null }): string | null {
  const ip = clientIpOf(headers, env().TRUSTED_PROXIES);
  if (ip === null && !warned.unknownPeer) {
    warned.unknownPeer = true;
    log.warn("the client's address is unknown (not served by server/serve.mjs): sign-ins are limited per email only");
  }
  return ip;
}
