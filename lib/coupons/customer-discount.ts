// The discount a customer sees on the billing pages: the live coupon of the current subscription,
// in words, and when it ends. Scoped by the organization; null when none lasts.
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { LIVE_STATUSES, promotionCodes, subscriptions } from "@/lib/db/schema";
import { couponTermsLabel } from "./describe";
import { liveDiscountOf } from "./live-discount";

export type CustomerDiscount = {
  couponCode: string;
  couponName: string;
  promotionCode: string | null;
  terms: string;
  startsAt: Date;
  /** The first period start it no longer reduces; null: forever. */
  endsAt: Date | null;
};

export async function customerDiscount(orgId: string, now = new Date()): Promise<CustomerDiscount | null> {
  const [sub] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, [...LIVE_STATUSES])));
  if (!sub) return null;
  const live = await liveDiscountOf(db, orgId, sub.id);
  if (!live || (live.discount.endsAt && live.discount.endsAt <= now)) return null;
  const [promo] = live.discount.promotionCodeId
    ? await db
        .select({ code: promotionCodes.code })
        .from(promotionCodes)
        .where(eq(promotionCodes.id, live.discount.promotionCodeId))
    : [];
  return {
    couponCode: live.coupon.code,
    couponName: live.coupon.name,
    promotionCode: promo?.code ?? null,
    terms: couponTermsLabel(live.coupon),
    startsAt: live.discount.startsAt,
    endsAt: live.discount.endsAt,
  };
}
