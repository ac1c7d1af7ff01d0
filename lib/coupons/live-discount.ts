// A subscription's live discount (its coupon with the window it covers), read for billing, the
// upcoming invoice and the billing page; and the discount line it puts on an invoice.
import "server-only";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { coupons, subscriptionDiscounts, type Coupon, type SubscriptionDiscount } from "@/lib/db/schema";
import { formatMoney } from "@/lib/format";
import { coversPeriod, discountCents, discountDescription } from "./discount-math";

export type LiveDiscount = { discount: SubscriptionDiscount; coupon: Coupon };

/** The live (not removed) discount of each subscription in `subscriptionIds`, by subscription id. */
export async function liveDiscounts(tx: Executor, subscriptionIds: string[]): Promise<Map<string, LiveDiscount>> {
  if (subscriptionIds.length === 0) return new Map();
  const rows = await tx
    .select({ discount: subscriptionDiscounts, coupon: coupons })
    .from(subscriptionDiscounts)
    .innerJoin(coupons, eq(coupons.id, subscriptionDiscounts.couponId))
    .where(
      and(inArray(subscriptionDiscounts.subscriptionId, subscriptionIds), isNull(subscriptionDiscounts.removedAt)),
    );
  return new Map(rows.map((r) => [r.discount.subscriptionId, r]));
}

/** One organization's live discount on `subscriptionId` (scoped by the organization), or null. */
export async function liveDiscountOf(
  tx: Executor,
  orgId: string,
  subscriptionId: string,
): Promise<LiveDiscount | null> {
  const [row] = await tx
    .select({ discount: subscriptionDiscounts, coupon: coupons })
    .from(subscriptionDiscounts)
    .innerJoin(coupons, eq(coupons.id, subscriptionDiscounts.couponId))
    .where(
      and(
        eq(subscriptionDiscounts.orgId, orgId),
        eq(subscriptionDiscounts.subscriptionId, subscriptionId),
        isNull(subscriptionDiscounts.removedAt),
      ),
    );
  return row ?? null;
}

/** Whether the discount still reduces a period starting at `periodStart` or later (it has not run out). */
export const discountLasts = (d: LiveDiscount | null | undefined, periodStart: Date): d is LiveDiscount =>
  !!d && coversPeriod(d.discount, periodStart);

/**
 * The discount of an invoice whose fee period starts at `periodStart`: off the plan fee, or off
 * the fee and the usage lines (`applies_to: "all"`), as a negative amount; 0 when the discount
 * does not cover the period. Never more than what it applies to, so a total never goes below zero.
 */
export function invoiceDiscountCents(
  d: LiveDiscount | null | undefined,
  periodStart: Date,
  amounts: { feeCents: number; usageCents: number },
  currency: string,
): number {
  if (!discountLasts(d, periodStart)) return 0;
  const base = amounts.feeCents + (d.coupon.appliesTo === "all" ? Math.max(0, amounts.usageCents) : 0);
  return discountCents(d.coupon, base, currency);
}

export const liveDiscountDescription = (d: LiveDiscount, currency: string) =>
  discountDescription(d.coupon, (cents) => formatMoney(cents, d.coupon.currency ?? currency));
