// The arithmetic of a coupon, pure: how much it takes off an amount (one rounding step, half-up,
// never more than the amount, never below zero), and which billing periods it covers.
import Decimal from "decimal.js";
import type { CouponAppliesTo, CouponDuration, PlanInterval } from "@/lib/db/schema";
import { D, dec } from "@/lib/money";
import { periodBounds } from "@/lib/time";

export type CouponTerms = {
  /** Percent off as a decimal string ("20", "12.5"); null for an amount-off coupon. */
  percentOff: string | null;
  amountOffCents: number | null;
  /** The currency of amountOffCents. */
  currency: string | null;
  duration: CouponDuration;
  durationInMonths: number | null;
  appliesTo: CouponAppliesTo;
};

/**
 * What the coupon takes off `amountCents` (a positive number of minor units, or 0 for nothing): a
 * percent rounded half-up once to the minor unit, or the fixed amount, capped at the amount so a
 * discounted total is never negative. An amount-off coupon in another currency takes nothing off.
 */
export function discountCents(c: CouponTerms, amountCents: number, currency: string): number {
  if (amountCents <= 0) return 0;
  if (c.percentOff !== null) {
    const pct = D.max(0, D.min(100, dec(c.percentOff)));
    return dec(amountCents).mul(pct).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
  }
  if (c.amountOffCents === null || c.currency?.toLowerCase() !== currency.toLowerCase()) return 0;
  return Math.max(0, Math.min(c.amountOffCents, amountCents));
}

/**
 * The end of a discount that first applies to the period starting at `firstPeriodStart` (null:
 * forever). Once: that one period; repeating: every period that starts within N months of it (a
 * yearly plan's single fee included, as Stripe counts it).
 */
export function discountEndsAt(
  c: Pick<CouponTerms, "duration" | "durationInMonths">,
  firstPeriodStart: Date,
  interval: PlanInterval,
): Date | null {
  if (c.duration === "forever") return null;
  if (c.duration === "once") return periodBounds(firstPeriodStart, interval, 0).end;
  return periodBounds(firstPeriodStart, "month", Math.max(1, c.durationInMonths ?? 1) - 1).end;
}

/** Whether the discount reduces the fee of the period that starts at `periodStart`. */
export function coversPeriod(d: { startsAt: Date; endsAt: Date | null }, periodStart: Date): boolean {
  return periodStart >= d.startsAt && (d.endsAt === null || periodStart < d.endsAt);
}

/** A human line for the invoice: "Discount LAUNCH20 (20 % off)". */
export function discountDescription(
  c: CouponTerms & { code: string },
  formatAmount: (cents: number) => string,
): string {
  const what =
    c.percentOff !== null ? `${dec(c.percentOff).toFixed()} % off` : `${formatAmount(c.amountOffCents ?? 0)} off`;
  return `Discount ${c.code} (${what}${c.appliesTo === "all" ? "" : " the plan"})`;
}

/** A fee after the coupon (what the customer pays for the period): never below zero. */
export const discountedFeeCents = (c: CouponTerms | null | undefined, feeCents: number, currency: string): number =>
  c ? feeCents - discountCents(c, feeCents, currency) : feeCents;

/** Whether a coupon limited to some plans (`planCodes`; empty: every plan) applies to the plan `planCode`. */
export const couponCoversPlan = (c: { planCodes: string[] }, planCode: string): boolean =>
  c.planCodes.length === 0 || c.planCodes.includes(planCode);
