// Payment methods: sandbox cards for the local provider, mirrors of Stripe's otherwise.
import "server-only";
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { paymentMethods, type PaymentMethod } from "@/lib/db/schema";
import { invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";

/** Stripe's test card that is always declined; the sandbox honours it. */
export const DECLINING_CARD = "4000000000000002";

function brandOf(number: string): string {
  if (/^4/.test(number)) return "visa";
  if (/^5[1-5]|^2[2-7]/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  return "card";
}

export async function listPaymentMethods(orgId: string, tx: Executor = db): Promise<PaymentMethod[]> {
  return tx
    .select()
    .from(paymentMethods)
    .where(and(eq(paymentMethods.orgId, orgId), isNull(paymentMethods.detachedAt)))
    .orderBy(desc(paymentMethods.isDefault), desc(paymentMethods.createdAt));
}

export async function defaultPaymentMethod(tx: Executor, orgId: string): Promise<PaymentMethod | null> {
  const [pm] = await listPaymentMethods(orgId, tx);
  return pm ?? null;
}

export type CardExpiry = { expMonth: number; expYear: number };

/**
 * The expiry a person typed, as printed on a card: "12/30", "12 / 30", "12/2030" or "1230". A
 * two-digit year is 20YY. Refused (naming the field `expiry`) when it is not a month and year, or
 * the month has passed.
 */
export function parseCardExpiry(text: string, now = new Date()): CardExpiry {
  const m = /^\s*(\d{1,2})\s*(?:[/\-.]\s*)?(\d{2}|\d{4})\s*$/.exec(text);
  const expMonth = m ? Number(m[1]) : NaN;
  if (!m || expMonth < 1 || expMonth > 12)
    throw invalidField("expiry", "enter the month and year as printed on the card, e.g. 12 / 30");
  const expYear = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (expYear * 12 + expMonth < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1)
    throw invalidField("expiry", "this card has expired: use a card whose expiry is this month or later");
  return { expMonth, expYear };
}

/** A sandbox card: any 13–19 digit number; 4000 0000 0000 0002 declines every charge. */
export async function addSandboxCard(
  tx: Executor,
  orgId: string,
  input: { number: string; expMonth?: number; expYear?: number },
): Promise<PaymentMethod> {
  const number = input.number.replace(/[\s-]/g, "");
  if (!/^\d{13,19}$/.test(number)) throw invalidField("card_number", "enter 13 to 19 digits, e.g. 4242 4242 4242 4242");
  await tx.update(paymentMethods).set({ isDefault: false }).where(eq(paymentMethods.orgId, orgId));
  const [pm] = await tx
    .insert(paymentMethods)
    .values({
      id: newId("pm"),
      orgId,
      provider: "local",
      providerMethodId: `pm_local_${randomBytes(8).toString("hex")}`,
      brand: brandOf(number),
      last4: number.slice(-4),
      expMonth: input.expMonth ?? 12,
      expYear: input.expYear ?? new Date().getUTCFullYear() + 3,
      isDefault: true,
      declines: number === DECLINING_CARD,
    })
    .returning();
  return pm!;
}

export async function setDefaultPaymentMethod(orgId: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [pm] = await tx
      .select()
      .from(paymentMethods)
      .where(and(eq(paymentMethods.orgId, orgId), eq(paymentMethods.id, id), isNull(paymentMethods.detachedAt)));
    if (!pm) throw notFound("Payment method");
    await tx.update(paymentMethods).set({ isDefault: false }).where(eq(paymentMethods.orgId, orgId));
    await tx.update(paymentMethods).set({ isDefault: true }).where(eq(paymentMethods.id, id));
  });
}

export async function detachPaymentMethod(orgId: string, id: string): Promise<void> {
  const [pm] = await db
    .update(paymentMethods)
    .set({ detachedAt: new Date(), isDefault: false })
    .where(and(eq(paymentMethods.orgId, orgId), eq(paymentMethods.id, id), isNull(paymentMethods.detachedAt)))
    .returning();
  if (!pm) throw notFound("Payment method");
}

/**
 * Mirror of a Stripe payment method (payment_method.attached / detached); `makeDefault` (a card the
 * customer just saved in-page) makes it the one charged, and no other.
 */
export async function upsertStripePaymentMethod(
  tx: Executor,
  orgId: string,
  pm: { id: string; brand: string; last4: string; expMonth: number | null; expYear: number | null; detached: boolean },
  opts: { makeDefault?: boolean } = {},
): Promise<PaymentMethod> {
  const makeDefault = Boolean(opts.makeDefault) && !pm.detached;
  if (makeDefault) await tx.update(paymentMethods).set({ isDefault: false }).where(eq(paymentMethods.orgId, orgId));
  const [row] = await tx
    .insert(paymentMethods)
    .values({
      id: newId("pm"),
      orgId,
      provider: "stripe",
      providerMethodId: pm.id,
      brand: pm.brand,
      last4: pm.last4,
      expMonth: pm.expMonth,
      expYear: pm.expYear,
      detachedAt: pm.detached ? new Date() : null,
      isDefault: makeDefault,
    })
    .onConflictDoUpdate({
      target: [paymentMethods.provider, paymentMethods.providerMethodId, paymentMethods.orgId],
      set: {
        brand: pm.brand,
        last4: pm.last4,
        expMonth: pm.expMonth,
        expYear: pm.expYear,
        detachedAt: pm.detached ? new Date() : null,
        ...(pm.detached ? { isDefault: false } : makeDefault ? { isDefault: true } : {}),
      },
    })
    .returning();
  return row!;
}
