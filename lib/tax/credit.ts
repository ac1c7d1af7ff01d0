// The tax a credit note gives back, pure: the invoice's own rule (compute.ts) on what is credited.
//
// The rule, stated once (docs/credit-notes.md): a credited part of a line carries the tax of the
// line's rate on that part, rounded half up once (lineTax), never more than the line's tax not yet
// credited; the credit that takes the last of a line takes exactly the rest of its tax, so a line
// credited in full (at once or in parts) gives back exactly the tax its invoice charged on it. A free
// amount (a goodwill credit) is money given back, tax included: its tax is extracted at the invoice's
// rate as an inclusive amount, never more than the invoice's tax not yet credited. Reverse-charged and
// untaxed invoices credit no tax.
import { lineTax, type LineTax, type TaxBreakdownRow } from "./compute";
import type { InvoiceTaxSnapshot } from "./snapshot";

export type CreditedLine = {
  /** The line as invoiced: its amount (the invoice's terms), tax and rate. */
  line: { amountCents: number; taxCents: number; taxPercentage: string | null };
  /** What earlier notes took of it: amount and tax. */
  credited: { amountCents: number; taxCents: number };
  /** What this note takes off the line's amount (≤ what is left of it). */
  amountCents: number;
};

/** The rate an invoice was taxed at, when it was (one treatment per invoice); null for none or reverse charge. */
export function invoiceRate(tax: InvoiceTaxSnapshot | null): TaxBreakdownRow | null {
  const rate = tax?.breakdown.find((b) => b.kind === "rate");
  return rate ?? null;
}

/** One invoice line credited (all or part of it). */
export function creditLineTax(c: CreditedLine, inclusive: boolean): LineTax {
  const { line, credited, amountCents } = c;
  const taxLeft = line.taxCents - credited.taxCents;
  const last = amountCents === line.amountCents - credited.amountCents;
  const taxCents =
    line.taxPercentage === null || line.taxCents === 0
      ? 0
      : last
        ? taxLeft
        : Math.min(taxLeft, lineTax(amountCents, line.taxPercentage, inclusive).taxCents);
  return inclusive
    ? { netCents: amountCents - taxCents, taxCents, grossCents: amountCents }
    : { netCents: amountCents, taxCents, grossCents: amountCents + taxCents };
}

/** A free amount given back (tax included) on an invoice taxed at `rate` with `taxLeft` not yet credited. */
export function creditAmountTax(grossCents: number, rate: TaxBreakdownRow | null, taxLeft: number): LineTax {
  const taxCents = rate ? Math.max(0, Math.min(taxLeft, lineTax(grossCents, rate.percentage, true).taxCents)) : 0;
  return { netCents: grossCents - taxCents, taxCents, grossCents };
}

/** The note's tax per the invoice's jurisdiction and rate, as the invoice keeps it: null when it credits under none. */
export function creditNoteTaxSnapshot(
  invoiceTax: InvoiceTaxSnapshot | null,
  lines: Pick<LineTax, "netCents" | "taxCents">[],
): InvoiceTaxSnapshot | null {
  const row = invoiceTax?.breakdown[0];
  if (!invoiceTax || !row) return null;
  return {
    mode: invoiceTax.mode,
    breakdown: [
      {
        ...row,
        net_cents: lines.reduce((s, l) => s + l.netCents, 0),
        tax_cents: lines.reduce((s, l) => s + l.taxCents, 0),
      },
    ],
    note: invoiceTax.note,
  };
}

export const CREDIT_TAX_ROUNDING_NOTE =
  "Tax credited per line at the invoice's rate, rounded half-up once per line; a line credited in full gives back exactly its tax.";
