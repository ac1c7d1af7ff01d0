// Password reset by email: a request queues a link (single use, valid one hour) for an account with that
// email, and answers the same whether or not one exists. Requests are throttled per email and per IP
// like sign-ins, in a scope of their own (lib/auth/throttle.ts), so they never lock anyone's sign-in.
// Using a link sets the password, spends that link and every other outstanding link of the user, and
// signs the user out everywhere (the session version goes up; lib/auth/request-user.ts).
import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { passwordResets, users } from "@/lib/db/schema";
import { queueEmail } from "@/lib/email/outbox";
import { passwordResetEmail } from "@/lib/email/templates";
import { appUrl } from "@/lib/env";
import { newId } from "@/lib/ids";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./password";
import { claimSignInAttempt, type ThrottleVerdict } from "./throttle";
import { hashSecret, linkToken, newSecret, parseLinkToken, secretMatches } from "./tokens";
import { findUserByEmail } from "./users";

export const RESET_TTL_MS = 3600_000;

/** Queues a reset email when the account exists; the verdict only says whether the request was throttled. */
export async function requestPasswordReset(
  email: string,
  ip: string | null,
  now = new Date(),
): Promise<ThrottleVerdict> {
  const verdict = await claimSignInAttempt(email, ip, now, "reset:");
  if (!verdict.allowed) return verdict;
  const user = await findUserByEmail(email);
  // A removed member's account cannot sign in whatever its password: no link (the answer is the same).
  if (!user || user.disabledAt) return verdict;
  const id = newId("pwr");
  const secret = newSecret();
  await db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({
      id,
      userId: user.id,
      secretHash: hashSecret(secret),
      expiresAt: new Date(now.getTime() + RESET_TTL_MS),
    });
    const url = `${appUrl()}/reset-password?token=${encodeURIComponent(linkToken(id, secret))}`;
    await queueEmail(tx, {
      ...passwordResetEmail({ name: user.name, url }),
      kind: "password_reset",
      to: user.email,
      userId: user.id,
      orgId: user.orgId,
    });
  });
  return verdict;
}

export type ResetCheck = { ok: true; resetId: string; userId: string; email: string } | { ok: false };

/** Whether a link can still be used (unused, unexpired, its secret right). */
export async function checkResetToken(token: string | null | undefined, now = new Date()): Promise<ResetCheck> {
  const parsed = parseLinkToken(token);
  if (!parsed || !parsed.id.startsWith("pwr_")) return { ok: false };
  const [row] = await db
    .select({ r: passwordResets, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.id, parsed.id));
  if (!row || !secretMatches(parsed.secret, row.r.secretHash)) return { ok: false };
  if (row.r.usedAt || row.r.expiresAt.getTime() <= now.getTime()) return { ok: false };
  return { ok: true, resetId: row.r.id, userId: row.r.userId, email: row.email };
}

/** Sets the new password; false when the link is invalid, expired or already used (even concurrently). */
export async function resetPassword(token: string, password: string, now = new Date()): Promise<boolean> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error("password too short");
  const check = await checkResetToken(token, now);
  if (!check.ok) return false;
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Spending the link is the first write: of two concurrent uses, only one finds it unused.
    const spent = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(eq(passwordResets.id, check.resetId), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
      )
      .returning({ id: passwordResets.id });
    if (spent.length === 0) return false;
    await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, check.userId));
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, check.userId), isNull(passwordResets.usedAt)));
    return true;
  });
}
