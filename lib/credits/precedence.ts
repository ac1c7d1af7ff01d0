// The order in which buckets are drawn. Pure: no I/O, table-tested in precedence.test.ts.
//
// Default: purchased, then subscription, then promotional. Purchased credits never expire and are
// spent first (the multi-tenant billing guide's rule); subscription credits expire at the period
// end; promotional credits come last because they are a gift the operator may withdraw or let
// expire, so a customer's paid credits are never the ones left to lapse in their place. An
// organization can reorder the sources (organizations.credit_precedence).
//
// Within a source: lower priority first, then earliest expiry (no expiry last), then oldest.
// Ahead of everything: buckets already past their expiry that still hold credits. Those can only
// exist while a reservation holds them (expiry never writes off held credits), and spending them
// first loses the customer nothing.
import { CREDIT_SOURCES, type CreditSource } from "@/lib/db/schema/credits";

export const DEFAULT_PRECEDENCE: readonly CreditSource[] = ["purchased", "subscription", "promotional"];

export type DrawableBucket = {
  id: string;
  source: CreditSource;
  priority: number;
  expiresAt: Date | null;
  createdAt: Date;
  remaining: number;
};

export type Draw = { bucketId: string; credits: number };

/** A stored precedence (possibly null, partial or stale) as a full order of the three sources. */
export function normalizePrecedence(stored: readonly string[] | null | undefined): CreditSource[] {
  const known = (stored ?? []).filter((s): s is CreditSource => (CREDIT_SOURCES as readonly string[]).includes(s));
  const unique = [...new Set(known)];
  for (const s of DEFAULT_PRECEDENCE) if (!unique.includes(s)) unique.push(s);
  return unique;
}

/** A precedence sent by an operator must name each source exactly once. */
export function validatePrecedence(input: readonly string[]): string | null {
  const unknown = input.filter((s) => !(CREDIT_SOURCES as readonly string[]).includes(s));
  if (unknown.length)
    return `unknown source ${unknown.map((s) => `"${s}"`).join(", ")}: use ${CREDIT_SOURCES.join(", ")}`;
  if (new Set(input).size !== input.length) return "each source may appear once";
  if (input.length !== CREDIT_SOURCES.length)
    return `list all of ${CREDIT_SOURCES.join(", ")} in the order to spend them`;
  return null;
}

export const isPastExpiry = (b: { expiresAt: Date | null }, now: Date) =>
  b.expiresAt !== null && b.expiresAt.getTime() <= now.getTime();

/** Buckets with credits left, in the order they are spent. */
export function drawOrder<B extends DrawableBucket>(
  buckets: readonly B[],
  precedence: readonly CreditSource[],
  now: Date,
): B[] {
  const rank = new Map(normalizePrecedence(precedence).map((s, i) => [s, i]));
  return buckets
    .filter((b) => b.remaining > 0)
    .sort((a, b) => {
      const dueA = isPastExpiry(a, now) ? 0 : 1;
      const dueB = isPastExpiry(b, now) ? 0 : 1;
      if (dueA !== dueB) return dueA - dueB;
      const r = rank.get(a.source)! - rank.get(b.source)!;
      if (r) return r;
      if (a.priority !== b.priority) return a.priority - b.priority;
      const ea = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
      const eb = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
      if (ea !== eb) return ea < eb ? -1 : 1;
      const c = a.createdAt.getTime() - b.createdAt.getTime();
      if (c) return c;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
}

/**
 * Which buckets pay for `credits`, in order. Draws at most what the buckets hold; the caller
 * decides beforehand whether the balance allows the spend.
 */
export function planDraw(
  buckets: readonly DrawableBucket[],
  credits: number,
  precedence: readonly CreditSource[],
  now: Date,
): Draw[] {
  const draws: Draw[] = [];
  let left = credits;
  for (const b of drawOrder(buckets, precedence, now)) {
    if (left <= 0) break;
    const take = Math.min(left, b.remaining);
    draws.push({ bucketId: b.id, credits: take });
    left -= take;
  }
  return draws;
}
