// What a customer pays under one set of terms for one month: the plan fee's month and the usage
// charges, rated as invoices rate them (lib/payments/period-lines.ts: one line per usage charge,
// each rounded half-up once from its exact amount). Pure, so the simulator, its tests and a
// future per-customer override proposal rate through the same code.
import { dec, minorToDecimal, roundToMinor } from "@/lib/money";
import type { Plan } from "@/lib/db/schema";
import type { Quantity, UsageCharge } from "@/lib/rating";
import { rateChargeExact } from "@/lib/rating/rate-charge";

/**
 * Terms a customer can be billed under. A plan version is one; a per-customer override (a plan with
 * some prices changed for one customer) will be another — the simulator only reads these fields.
 */
export type Terms = {
  /** The plan version the terms come from (an override keeps its plan's id and says so in `label`). */
  planId: string;
  label: string;
  version: number;
  interval: Plan["interval"];
  currency: string;
  basePriceCents: number;
  /** Its usage charges (a subscription's invoice bills no other kind; fixed charges are agent plans'). */
  charges: UsageCharge[];
};

export const termsOfPlan = (p: Plan): Terms => ({
  planId: p.id,
  label: p.name,
  version: p.version,
  interval: p.interval,
  currency: p.currency,
  basePriceCents: p.basePriceCents,
  charges: p.charges.filter((c): c is UsageCharge => c.type === "usage"),
});

export type MonthAmount = { feeCents: number; usageCents: number };

/** The fee of one month: a monthly plan's price, or a twelfth of a yearly one rounded once. */
export function monthFeeCents(t: Pick<Terms, "interval" | "basePriceCents" | "currency">): number {
  if (t.interval === "month") return t.basePriceCents;
  return roundToMinor(dec(minorToDecimal(t.basePriceCents, t.currency)).div(12), t.currency);
}

/**
 * One month of usage under `t`: each usage line rounded once, as on the invoice (ratePlan's lines, one
 * per charge; a meter without usage rates as 0). The exact amounts are rounded as they come, not
 * printed and parsed again: this runs once per customer, month and set of terms.
 */
export function rateMonth(t: Terms, usage: Record<string, Quantity>): MonthAmount {
  let usageCents = 0;
  for (const c of t.charges) {
    const q = Object.hasOwn(usage, c.meter) ? usage[c.meter] : undefined;
    const { amount } = rateChargeExact(c, q, { explain: false });
    if (!amount.isZero()) usageCents += roundToMinor(amount, t.currency);
  }
  return { feeCents: monthFeeCents(t), usageCents };
}
