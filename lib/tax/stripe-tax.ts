// Which tax a Stripe object Tally creates for a customer carries, from the seller's tax mode: Stripe
// Tax, the Stripe TaxRate of the buyer's Tally rate (made at Stripe once, its id kept on the rate),
// or none (mode none, no rate for the buyer, or a reverse charge — 0 %).
import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { taxRates } from "@/lib/db/schema";
import { createStripeTaxRate, NO_STRIPE_TAX, type StripeTax } from "@/lib/stripe/tax";
import { buyerTax } from "./buyer-tax";

export async function stripeTaxFor(orgId: string, tx: Executor = db): Promise<StripeTax> {
  const { mode, treatment } = await buyerTax(orgId, tx);
  if (mode === "stripe_tax") return { automatic: true, taxRateIds: [] };
  if (treatment.kind !== "rate") return NO_STRIPE_TAX;
  return { automatic: false, taxRateIds: [await ensureStripeTaxRate(treatment.rateId, tx)] };
}

/** The rate's Stripe TaxRate id, creating it at Stripe the first time (two racing callers make one: the key is the rate's id). */
export async function ensureStripeTaxRate(rateId: string, tx: Executor = db): Promise<string> {
  const [rate] = await tx.select().from(taxRates).where(eq(taxRates.id, rateId));
  if (!rate) throw new Error(`tax rate ${rateId} not found`);
  if (rate.stripeTaxRateId) return rate.stripeTaxRateId;
  const id = await createStripeTaxRate(rate);
  await tx
    .update(taxRates)
    .set({ stripeTaxRateId: id, updatedAt: new Date() })
    .where(and(eq(taxRates.id, rateId), isNull(taxRates.stripeTaxRateId)));
  return id;
}
