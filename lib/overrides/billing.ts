// The charges a stretch of a period is billed with: the plan's, with the custom prices in force at
// the stretch's end (resolve.ts) — the rule every invoice path shares through period-input.ts, so
// the upcoming invoice, the local invoice and Stripe's invoice items agree. A repriced charge says
// so in its name, which is what the invoice line shows.
import type { Charge } from "@/lib/rating";
import { overridesAt, withPrice, type OverrideRow } from "./resolve";
import type { ChargePriceValue } from "./schemas";

export const CUSTOM_PRICE_MARK = " (custom price)";

/** `end` is exclusive: the price in force at its last instant. Unchanged (the same array) without a price override. */
export function usageChargesAt(charges: Charge[], overrides: readonly OverrideRow[], end: Date): Charge[] {
  if (overrides.length === 0) return charges;
  const prices = [...overridesAt(overrides, new Date(end.getTime() - 1)).values()].filter(
    (o) => o.kind === "charge_price",
  );
  if (prices.length === 0) return charges;
  let out = charges;
  for (const o of prices) out = withPrice(out, o.target, o.value as ChargePriceValue, CUSTOM_PRICE_MARK);
  return out;
}
