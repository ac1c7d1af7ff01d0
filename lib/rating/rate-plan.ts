// What a plan comes to for one period's usage: every charge rated, the exact amounts summed, and
// the sum rounded half-up to the currency's minor unit once (lib/money roundToMinor). Rounding
// lines one by one would let cents drift from the total; lines stay exact instead.
import { D, isDecimalString, roundToMinor } from "@/lib/money";
import { rateChargeExact } from "./rate-charge";
import type { Charge, Quantity, RateOptions, RatedLine, RatedTotal } from "./types";

const ZERO = new D(0);

/**
 * Rates `charges` against `usage` (meter code → quantity). A usage charge whose meter has no entry
 * rates as quantity "0". `unpriced_meters` lists, sorted, the meters in `usage` that no charge
 * prices and whose quantity is not zero (a meter that reported nothing is not a billing gap).
 */
export function ratePlan(
  charges: Charge[],
  usage: Record<string, Quantity>,
  currency: string,
  options?: RateOptions,
): RatedTotal {
  const lines: RatedLine[] = new Array(charges.length);
  let total = ZERO;
  for (let i = 0; i < charges.length; i++) {
    const charge = charges[i]!;
    const quantity = charge.type === "usage" && Object.hasOwn(usage, charge.meter) ? usage[charge.meter] : undefined;
    const rated = rateChargeExact(charge, quantity, options);
    lines[i] = rated.line;
    if (!rated.amount.isZero()) total = total.plus(rated.amount);
  }

  const unpriced_meters: string[] = [];
  for (const meter in usage) {
    if (!Object.hasOwn(usage, meter) || isCharged(charges, meter) || isZeroQuantity(usage[meter]!)) continue;
    unpriced_meters.push(meter);
  }
  unpriced_meters.sort();

  return { lines, amount: total.toFixed(), amount_minor: roundToMinor(total, currency), currency, unpriced_meters };
}

// A plan has a handful of charges: a scan beats building a set of meters on every call.
function isCharged(charges: Charge[], meter: string): boolean {
  for (const charge of charges) if (charge.type === "usage" && charge.meter === meter) return true;
  return false;
}

/** Zero when every number in it is zero; anything unreadable counts as usage (it is reported, not hidden). */
function isZeroQuantity(q: Quantity): boolean {
  if (typeof q === "string") return isDecimalString(q) && new D(q).isZero();
  if (q === null || typeof q !== "object" || q.groups === null || typeof q.groups !== "object") return false;
  return Object.values(q.groups).every((v) => typeof v === "string" && isDecimalString(v) && new D(v).isZero());
}
