// Included units across a plan change: when a change splits a period, each plan was in force for
// only part of it, so each segment gets its plan's included units prorated by the segment's share
// of the period (as Stripe and Lago prorate), not a whole period's allowance per plan. Exact
// decimals, kept to 6 places (half-up): 100 included for 10 of 30 days is 33.333333.
//
// A free first tier of a graduated charge (its first tier priced 0, with no flat amount) is an
// allowance too, and is prorated the same way: it is taken as included units (added to any
// included_quantity) and the later tiers keep their widths, starting where the prorated
// allowance ends. Graduated [0 up to 1,000 free, 0.0005 up to 100,000, then 0.0003] for a third
// of the period is 333.333333 included, then 0.0005 for the next 99,000 units, then 0.0003 —
// the same as a whole period gives, scaled at the front. A volume charge's first tier is not an
// allowance (the tier the total falls in prices every unit), so it is left as it is.
import { dec } from "@/lib/money";
import type { Tier, UsageCharge } from "@/lib/rating";

type Span = { start: Date; end: Date };

const INCLUDED_PLACES = 6;

/** The units a graduated charge's first tier gives free (priced 0, no flat amount, more tiers after it); 0 when none. */
function freeFirstTier(c: UsageCharge): number {
  if (c.model !== "graduated" || c.tiers.length < 2) return 0;
  const [first] = c.tiers as [Tier, ...Tier[]];
  if (first.up_to === null || first.up_to <= 0) return 0;
  if (!dec(first.unit_price).isZero() || (first.flat_amount !== undefined && !dec(first.flat_amount).isZero()))
    return 0;
  return first.up_to;
}

/** The charges with included_quantity (and a graduated charge's free first tier) prorated to the segment's share of the period; unchanged when the segment is the whole period. */
export function prorateIncluded(charges: UsageCharge[], segment: Span, period: Span): UsageCharge[] {
  const whole = period.end.getTime() - period.start.getTime();
  const part = segment.end.getTime() - segment.start.getTime();
  if (whole <= 0 || part >= whole) return charges;
  const prorated = (units: string) =>
    dec(units).mul(Math.max(0, part)).div(whole).toDecimalPlaces(INCLUDED_PLACES).toFixed();
  return charges.map((c) => {
    const free = freeFirstTier(c);
    if (free > 0 && c.model === "graduated") {
      // The free tier becomes included units; the later tiers shift down by its width (their widths unchanged).
      const tiers = c.tiers.slice(1).map((t) => ({ ...t, up_to: t.up_to === null ? null : t.up_to - free }));
      return {
        ...c,
        tiers,
        included_quantity: prorated(
          dec(c.included_quantity ?? "0")
            .plus(free)
            .toFixed(),
        ),
      };
    }
    return c.included_quantity === undefined || dec(c.included_quantity).isZero()
      ? c
      : { ...c, included_quantity: prorated(c.included_quantity) };
  });
}
