// A call's cost in its two parts: the usage part (what this call's metrics cost) and the plan's
// fixed charges, which the rating of a single call includes (the FlexPrice guide's 10.38 is 0.375
// of usage and a 10.00 monthly fee) but which are billed once per agent per period on the invoice,
// never once per call. Pure; each part is rounded half-up once.
import { D, minorToDecimal, roundToMinor } from "@/lib/money";
import type { RatedLine } from "@/lib/rating/types";

export type CallCostSplit = { usageExact: string; usageCents: number; fixedExact: string; fixedCents: number };

export function splitCallCost(
  lines: Pick<RatedLine, "type" | "amount">[] | null | undefined,
  currency: string,
): CallCostSplit {
  let usage = new D(0);
  let fixed = new D(0);
  for (const l of lines ?? []) {
    if (l.type === "fixed") fixed = fixed.plus(l.amount);
    else usage = usage.plus(l.amount);
  }
  return {
    usageExact: usage.toFixed(),
    usageCents: roundToMinor(usage, currency),
    fixedExact: fixed.toFixed(),
    fixedCents: roundToMinor(fixed, currency),
  };
}

/** The split as the API answers it, beside cost / cost_exact / cost_cents. */
export function callCostSplitJson(
  lines: Pick<RatedLine, "type" | "amount">[] | null | undefined,
  currency: string | null,
) {
  if (!currency || !lines)
    return {
      usage_cost: null,
      usage_cost_exact: null,
      usage_cost_cents: null,
      fixed_charges: null,
      fixed_charges_exact: null,
      fixed_charges_cents: null,
    };
  const s = splitCallCost(lines, currency);
  return {
    usage_cost: minorToDecimal(s.usageCents, currency),
    usage_cost_exact: s.usageExact,
    usage_cost_cents: s.usageCents,
    fixed_charges: minorToDecimal(s.fixedCents, currency),
    fixed_charges_exact: s.fixedExact,
    fixed_charges_cents: s.fixedCents,
  };
}
