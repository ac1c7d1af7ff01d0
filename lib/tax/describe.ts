// An invoice's tax as its reader sees it (PDF and invoice page alike): the rows between the lines and
// the total, and the note it must carry. Pure.
import type { InvoiceTaxSnapshot } from "./snapshot";
import { formatPercentage } from "./compute";

export type TaxSummaryRow = { label: string; cents: number };

/** Subtotal, then one row per rate ("VAT 20 %"); nothing for an invoice without tax. */
export function taxSummaryRows(inv: {
  subtotalCents: number;
  taxCents: number;
  tax: InvoiceTaxSnapshot | null;
}): TaxSummaryRow[] {
  if (!inv.tax || inv.tax.breakdown.length === 0) return [];
  return [
    { label: "Subtotal", cents: inv.subtotalCents },
    ...inv.tax.breakdown.map((b) => ({
      label: `${b.name} ${formatPercentage(b.percentage)}${b.inclusive ? " (included)" : ""}`,
      cents: b.tax_cents,
    })),
  ];
}

export const TAX_ROUNDING_NOTE =
  "Tax is computed per line and rounded half-up once per line; totals are sums of lines.";
