// How many credits a credit event costs. Pure. Partial units round up: 0.5 GB-month of a
// 10-credit event costs 5, 0.01 costs 1 — a spend is never free because its quantity was small.
import { D, dec, isDecimalString } from "@/lib/money";

/** A quantity as sent (a number or a numeric string, as the FlexPrice SDK sends) → a plain decimal string, or null. */
export function normalizeQuantity(q: number | string): string | null {
  const s = typeof q === "number" ? (Number.isFinite(q) ? dec(q).toFixed() : "") : q.trim();
  if (!isDecimalString(s)) return null;
  const d = dec(s);
  return d.gt(0) ? d.toFixed() : null;
}

export function creditsForEvent(creditsPerUnit: number, quantity: string): number {
  return dec(quantity).mul(creditsPerUnit).toDecimalPlaces(0, D.ROUND_CEIL).toNumber();
}
