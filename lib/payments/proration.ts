// Proration of an immediate plan change: the unused part of the current period is credited at the
// old price and charged at the new one. Exact decimals, rounded half-up once, to the minor unit.
import { dec, roundToMinor } from "@/lib/money";

export type ProrationInput = {
  oldCents: number;
  newCents: number;
  periodStart: Date;
  periodEnd: Date;
  at: Date;
  currency: string;
  sameInterval: boolean;
};

/**
 * Same interval: (new − old) × remaining / period. A different interval (monthly → yearly) starts a
 * new period now: the new plan's full price minus the unused part of the old one.
 */
export function prorate(p: ProrationInput): { amountCents: number; remainingFraction: string } {
  const total = p.periodEnd.getTime() - p.periodStart.getTime();
  const remaining = Math.max(0, Math.min(total, p.periodEnd.getTime() - p.at.getTime()));
  const fraction = total > 0 ? dec(remaining).div(total) : dec(0);
  const unusedOld = dec(p.oldCents).mul(fraction);
  const amount = p.sameInterval ? dec(p.newCents).mul(fraction).sub(unusedOld) : dec(p.newCents).sub(unusedOld);
  return { amountCents: roundToMinor(amount.div(100), p.currency), remainingFraction: fraction.toFixed(6) };
}

/** A plan's price per month, for telling upgrades from downgrades across intervals. */
export const monthlyCents = (p: { basePriceCents: number; interval: "month" | "year" }) =>
  p.interval === "year" ? dec(p.basePriceCents).div(12) : dec(p.basePriceCents);
