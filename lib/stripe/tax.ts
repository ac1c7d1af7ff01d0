// Tax on Stripe's side: Stripe TaxRates made from Tally's rates (tax mode tally_rates), and the
// parameters that put tax on Checkout Sessions and invoices — Tally's rates, or Stripe Tax
// (`automatic_tax`, tax mode stripe_tax). Plain objects in and out.
import "server-only";
import { providerError, stripe } from "./client";

/** What a Stripe object Tally creates carries: Stripe Tax, or these TaxRate ids, or neither. */
export type StripeTax = { automatic: boolean; taxRateIds: string[] };
export const NO_STRIPE_TAX: StripeTax = { automatic: false, taxRateIds: [] };

/** A Tally rate as a Stripe TaxRate is made from it. */
type TallyRate = { id: string; name: string; percentage: string; country: string; region: string | null };

/** Creates a TaxRate for a Tally rate, keyed so a retry makes one (Stripe's rates are immutable). */
async function createTaxRate(
  r: TallyRate,
  inclusive: boolean,
  metadata: Record<string, string>,
  idempotencyKey: string,
): Promise<string> {
  const created = await stripe().taxRates.create(
    {
      display_name: r.name,
      // Stripe takes the percentage as a decimal number of at most 4 places (the schema enforces that).
      percentage: Number(r.percentage),
      inclusive,
      country: r.country,
      ...(r.region && { state: r.region }),
      jurisdiction: r.region ? `${r.country}-${r.region}` : r.country,
      metadata: { tally_tax_rate_id: r.id, ...metadata },
    },
    { idempotencyKey },
  );
  return created.id;
}

/** A Stripe TaxRate for a Tally rate, keyed by its id so a retry makes one. */
export async function createStripeTaxRate(r: TallyRate & { inclusive: boolean }): Promise<string> {
  try {
    return await createTaxRate(r, r.inclusive, {}, `tally-tax-rate-${r.id}`);
  } catch (e) {
    throw providerError(e);
  }
}

/** Checkout Session and invoice fields for Stripe Tax (the customer's address is saved from Checkout so Stripe can locate it). */
export const automaticTaxParams = (t: StripeTax, checkout = false) =>
  t.automatic
    ? { automatic_tax: { enabled: true }, ...(checkout && { customer_update: { address: "auto" as const } }) }
    : {};

/**
 * An inclusive Stripe TaxRate for a Tally rate (a goodwill credit is money given back with its tax
 * inside): the one already made (metadata tally_tax_rate_id, inclusive), or a new one keyed by the rate.
 */
export async function inclusiveStripeTaxRate(r: TallyRate): Promise<string> {
  try {
    for await (const t of stripe().taxRates.list({ active: true, inclusive: true, limit: 100 })) {
      if (t.metadata?.tally_tax_rate_id === r.id && t.inclusive && t.percentage === Number(r.percentage)) return t.id;
    }
    return await createTaxRate(r, true, { tally_use: "inclusive_credit" }, `tally-tax-rate-${r.id}-inclusive`);
  } catch (e) {
    throw providerError(e);
  }
}
