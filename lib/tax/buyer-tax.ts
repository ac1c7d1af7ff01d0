// The tax treatment of one customer now: the seller's mode and country, the customer's billing
// details, the active rates of its country (lib/tax/select.ts decides).
import "server-only";
import { db, type Executor } from "@/lib/db/client";
import { getBillingDetails } from "@/lib/invoices/billing-details";
import { getSellerSettings } from "@/lib/invoices/seller-settings";
import { invoiceTax, type TaxTreatment } from "./compute";
import { activeRates } from "./rates";
import { selectTax, type TaxMode } from "./select";

export async function buyerTax(orgId: string, tx: Executor = db): Promise<{ mode: TaxMode; treatment: TaxTreatment }> {
  const seller = await getSellerSettings(tx);
  if (seller.tax_mode !== "tally_rates") return { mode: seller.tax_mode, treatment: { kind: "none" } };
  const buyer = await getBillingDetails(orgId, tx);
  const rates = await activeRates(tx, buyer.country);
  return { mode: seller.tax_mode, treatment: selectTax(seller.tax_mode, seller.country, buyer, rates) };
}

/** What a one-line local invoice of `amountCents` will total with the customer's tax (the sandbox checkout shows it). */
export async function totalWithTax(orgId: string, amountCents: number, tx: Executor = db): Promise<number> {
  const { treatment } = await buyerTax(orgId, tx);
  return invoiceTax([{ amountCents }], treatment).totalCents;
}
