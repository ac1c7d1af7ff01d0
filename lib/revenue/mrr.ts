// Monthly recurring revenue of one subscription state, and the rounding of MRR figures. Pure: the
// rules of docs/metrics.md, pinned by mrr.test.ts.
//
// Exactness: a yearly plan's MRR is price / 12, which has no finite decimal form (29000 / 12 =
// 2416.666…). So MRR is carried as an exact decimal in *twelfths of a minor unit* — price ×
// (100 − discount) / 100, times 12 for a monthly plan — which is always finite, and sums of it are
// exact. A reported figure divides by 12 and rounds half-up once, at the end (`twelfthsToMinor`).
import Decimal from "decimal.js";
import type { PlanInterval, SubscriptionStatus } from "@/lib/db/schema";
import { D, dec, type Dec } from "@/lib/money";

/**
 * Statuses that count in MRR: paying (active) and owing (past due stays in MRR until the
 * subscription is canceled). Trialing, incomplete, canceled and expired count zero.
 */
export const MRR_STATUSES = ["active", "past_due"] as const satisfies readonly SubscriptionStatus[];

export type MrrInput = {
  status: SubscriptionStatus;
  interval: PlanInterval;
  /** The plan's base price per interval, in minor units. Usage charges are not part of it. */
  basePriceCents: number;
  /** Percent off the base price, as a decimal string ("0", "20", "12.5"): the live coupon's. */
  discountPercent: string;
  /** Minor units off the base price each interval (an amount-off coupon); 0 or absent for none. */
  discountAmountCents?: number;
  /** The recurring add-ons' fee per interval, in minor units (never discounted); 0 or absent for none. */
  addonCents?: number;
};

export const ZERO: Dec = new D(0);

export function countsInMrr(status: SubscriptionStatus): boolean {
  return (MRR_STATUSES as readonly string[]).includes(status);
}

/** A discount percent clamped to 0–100 (a corrupt value never makes MRR negative or larger than the price). */
function discount(percent: string): Dec {
  const d = dec(percent || "0");
  return D.max(0, D.min(100, d));
}

/** The subscription's MRR, exact, in twelfths of a minor unit. */
export function mrrTwelfths(s: MrrInput): Dec {
  const addons = Math.max(0, s.addonCents ?? 0);
  if (!countsInMrr(s.status) || (s.basePriceCents <= 0 && addons === 0)) return ZERO;
  const plan = D.max(
    0,
    dec(s.basePriceCents)
      .mul(new D(100).minus(discount(s.discountPercent)))
      .div(100)
      .minus(Math.max(0, s.discountAmountCents ?? 0)),
  );
  // A coupon discounts the plan fee only: the add-ons' fee is added after it.
  const perInterval = plan.plus(addons);
  return s.interval === "month" ? perInterval.mul(12) : perInterval;
}

const half = (d: Dec) => d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();

/** An MRR figure (a sum of twelfths) in whole minor units: the one rounding step, half-up. */
export function twelfthsToMinor(twelfths: Dec): number {
  return half(twelfths.div(12));
}

/** ARR = 12 × MRR, from the exact MRR: the twelfths figure itself, rounded once. */
export function arrMinor(twelfths: Dec): number {
  return half(twelfths);
}

/** Average revenue per paying customer (MRR ÷ customers with MRR > 0), or null with none. */
export function arpuMinor(twelfths: Dec, payingCustomers: number): number | null {
  if (payingCustomers <= 0) return null;
  return half(twelfths.div(12).div(payingCustomers));
}

/** The subscription's MRR in whole minor units (one subscription's figure, rounded once). */
export function mrrMinor(s: MrrInput): number {
  return twelfthsToMinor(mrrTwelfths(s));
}

/** A ratio as a decimal string with 4 places, half-up ("0.0833"); null when the denominator is zero. */
export function ratio(numerator: Dec | number, denominator: Dec | number): string | null {
  const d = dec(denominator);
  if (d.isZero()) return null;
  return dec(numerator).div(d).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);
}
