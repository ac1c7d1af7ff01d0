// Tax on invoice lines, pure (no database): local invoices and credit notes compute with it.
//
// The rounding rule, stated once: tax is computed PER LINE and rounded ONCE, to the currency's minor
// unit, half up (away from zero, so a negative line — a discount — carries exactly the negative of
// the tax its positive twin would). Invoice totals are plain sums of the rounded lines.
//   exclusive: tax = round_half_up(net × rate)                 gross = net + tax
//   inclusive: tax = round_half_up(gross × rate / (1 + rate))  net   = gross − tax
// The rate is an exact decimal percentage ("20", "8.875"); a line's amount is an integer.
import Decimal from "decimal.js";
import { D, dec } from "@/lib/money";

export type TaxTreatment =
  /** No tax: tax mode none, no rate for the buyer's country, or Stripe computes it. */
  | { kind: "none" }
  | {
      kind: "rate";
      rateId: string;
      name: string;
      country: string;
      region: string | null;
      /** Exact decimal percentage, "20" for 20 %. */
      percentage: string;
      inclusive: boolean;
    }
  /** EU B2B across borders: 0 %, the buyer accounts for the VAT; the invoice carries the note. */
  | { kind: "reverse_charge"; country: string; note: string };

export type LineTax = { netCents: number; taxCents: number; grossCents: number };

/** One line's tax under a rate (one rounding step). */
export function lineTax(amountCents: number, percentage: string, inclusive: boolean): LineTax {
  if (!Number.isSafeInteger(amountCents)) throw new Error(`amountCents must be an integer, got ${amountCents}`);
  const rate = dec(percentage).div(100);
  if (rate.isNeg()) throw new Error(`a tax rate cannot be negative, got ${percentage}`);
  const raw = inclusive ? dec(amountCents).mul(rate).div(D(1).add(rate)) : dec(amountCents).mul(rate);
  // ROUND_HALF_UP in decimal.js rounds .5 away from zero: symmetric for negative lines.
  const taxCents = raw.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() || 0;
  return inclusive
    ? { netCents: amountCents - taxCents, taxCents, grossCents: amountCents }
    : { netCents: amountCents, taxCents, grossCents: amountCents + taxCents };
}

/** Per jurisdiction and rate: what an invoice keeps, prints and the tax report sums. */
export type TaxBreakdownRow = {
  kind: "rate" | "reverse_charge";
  rate_id: string | null;
  name: string;
  country: string;
  region: string | null;
  percentage: string;
  inclusive: boolean;
  net_cents: number;
  tax_cents: number;
};

export type InvoiceTax<L> = {
  lines: (L & LineTax)[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  breakdown: TaxBreakdownRow[];
  note: string | null;
};

/**
 * Every line of one invoice under one treatment; subtotal (net), tax and total are sums of the lines.
 * A line `untaxed` says so (a credit note's balance taken: its tax was credited on the note) carries
 * none and is outside the breakdown's taxable net.
 */
export function invoiceTax<L extends { amountCents: number }>(
  lines: L[],
  t: TaxTreatment,
  untaxed: (l: L) => boolean = () => false,
): InvoiceTax<L> {
  const taxed = lines.map((l) => ({
    ...l,
    ...(t.kind === "rate" && !untaxed(l)
      ? lineTax(l.amountCents, t.percentage, t.inclusive)
      : { netCents: l.amountCents, taxCents: 0, grossCents: l.amountCents }),
  }));
  const sum = (k: keyof LineTax) => taxed.reduce((s, l) => s + l[k], 0);
  const subtotalCents = sum("netCents");
  const taxCents = sum("taxCents");
  const taxableNet = taxed.reduce((s, l, i) => s + (untaxed(lines[i]!) ? 0 : l.netCents), 0);
  const breakdown: TaxBreakdownRow[] =
    t.kind === "rate"
      ? [
          {
            kind: "rate",
            rate_id: t.rateId,
            name: t.name,
            country: t.country,
            region: t.region,
            percentage: t.percentage,
            inclusive: t.inclusive,
            net_cents: taxableNet,
            tax_cents: taxCents,
          },
        ]
      : t.kind === "reverse_charge"
        ? [
            {
              kind: "reverse_charge",
              rate_id: null,
              name: "VAT (reverse charge)",
              country: t.country,
              region: null,
              percentage: "0",
              inclusive: false,
              net_cents: taxableNet,
              tax_cents: 0,
            },
          ]
        : [];
  return {
    lines: taxed,
    subtotalCents,
    taxCents,
    totalCents: subtotalCents + taxCents,
    breakdown,
    note: t.kind === "reverse_charge" ? t.note : null,
  };
}

/** The tax within a payment of `amountCents` toward an invoice of `totalCents` carrying `taxCents` (pro rata, one rounding). */
export function taxShareCents(amountCents: number, totalCents: number, taxCents: number): number {
  if (taxCents === 0 || totalCents === 0) return 0;
  if (amountCents === totalCents) return taxCents;
  return dec(amountCents).mul(taxCents).div(totalCents).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

/** A percentage as printed: "20 %", "8.875 %". */
export const formatPercentage = (p: string) => `${dec(p).toString()} %`;
