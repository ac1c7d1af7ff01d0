// Proration of an add-on's quantity change mid-period: the plan-change formula (lib/payments/
// proration.ts) with the old and new amounts being unit price × quantity — (new − old) × remaining
// ÷ period, rounded once. Adding charges, removing credits (a negative amount).
import { prorate } from "@/lib/payments/proration";

export type AddonProrationInput = {
  unitCents: number;
  fromQuantity: number;
  toQuantity: number;
  periodStart: Date;
  periodEnd: Date;
  at: Date;
  currency: string;
};

export function addonProration(p: AddonProrationInput): number {
  return prorate({
    oldCents: p.unitCents * p.fromQuantity,
    newCents: p.unitCents * p.toQuantity,
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    at: p.at,
    currency: p.currency,
    sameInterval: true,
  }).amountCents;
}
