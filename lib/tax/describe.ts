// An invoice's tax as its reader sees it (PDF and invoice page alike): the rows between the lines and
// the total, and the note it must carry. Pure.
import type { InvoiceTaxSnapshot } from "./snapshot";
import { formatPercentage } from "./compute";

export type TaxSummaryRow = { label: string; cents: number };

/** A rate as printed: "VAT 20 %", "GST 10 % (included)". */
export const rateLabel = (r: { name: string; percentage: string; inclusive: boolean }) =>
  `${r.name} ${formatPercentage(r.percentage)}${r.inclusive ? " (included)" : ""}`;

/**
 * Subtotal (the taxable net), then one row per rate ("VAT 20 %"); nothing for an invoice without tax.
 * A credit-note balance the invoice took is untaxed (its tax was credited on the note): it follows
 * the tax as "Credit notes applied", so the rows still add up to the total.
 */
export function taxSummaryRows(inv: {
  subtotalCents: number;
  taxCents: number;
  tax: InvoiceTaxSnapshot | null;
}): TaxSummaryRow[] {
  if (!inv.tax || inv.tax.breakdown.length === 0) return [];
  const taxableNet = inv.tax.breakdown.reduce((s, b) => s + b.net_cents, 0);
  const applied = inv.subtotalCents - taxableNet;
  return [
    { label: "Subtotal", cents: taxableNet },
    ...inv.tax.breakdown.map((b) => ({
      label: rateLabel(b),
      cents: b.tax_cents,
    })),
    ...(applied !== 0 ? [{ label: "Credit notes applied", cents: applied }] : []),
  ];
}

export const TAX_ROUNDING_NOTE =
  "Tax is computed per line and rounded half-up once per line; totals are sums of lines.";

export const UNTAXED_ROUNDING_NOTE =
  "Amounts are exact prices rounded half-up once per line to the currency's minor unit.";
