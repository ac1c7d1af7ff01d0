// Included units across a plan change: when a change splits a period, each plan was in force for
// only part of it, so each segment gets its plan's included units prorated by the segment's share
// of the period (as Stripe and Lago prorate), not a whole period's allowance per plan. Exact
// decimals, kept to 6 places (half-up): 100 included for 10 of 30 days is 33.333333.
import { dec } from "@/lib/money";
import type { UsageCharge } from "@/lib/rating";

type Span = { start: Date; end: Date };

const INCLUDED_PLACES = 6;

/** The charges with included_quantity prorated to the segment's share of the period; unchanged when the segment is the whole period. */
export function prorateIncluded(charges: UsageCharge[], segment: Span, period: Span): UsageCharge[] {
  const whole = period.end.getTime() - period.start.getTime();
  const part = segment.end.getTime() - segment.start.getTime();
  if (whole <= 0 || part >= whole) return charges;
  return charges.map((c) =>
    c.included_quantity === undefined || dec(c.included_quantity).isZero()
      ? c
      : {
          ...c,
          included_quantity: dec(c.included_quantity)
            .mul(Math.max(0, part))
            .div(whole)
            .toDecimalPlaces(INCLUDED_PLACES)
            .toFixed(),
        },
  );
}
