// What an invoice keeps of its tax at issue (invoices.tax): no server-only imports (the schema uses it).
import type { TaxBreakdownRow } from "./compute";
import type { TaxMode } from "./select";

export type InvoiceTaxSnapshot = {
  mode: TaxMode;
  breakdown: TaxBreakdownRow[];
  /** Printed on the invoice (the reverse-charge statement); null for none. */
  note: string | null;
};
