// Which tax applies to a buyer, pure: the seller's tax mode, the seller's and the buyer's countries,
// the buyer's tax ids, and the active rates. Reverse charge (EU B2B across borders) comes first;
// then the rate of the buyer's country and region, else the country-wide one (region null).
import type { TaxTreatment } from "./compute";

export const TAX_MODES = ["none", "tally_rates", "stripe_tax"] as const;
export type TaxMode = (typeof TAX_MODES)[number];

/** EU member states (ISO 3166-1; a Greek VAT id is prefixed EL, its country is GR). */
export const EU_COUNTRIES = new Set([
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
]);

export const REVERSE_CHARGE_NOTE =
  "Reverse charge — VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)";

export type RateRow = {
  id: string;
  country: string;
  region: string | null;
  name: string;
  percentage: string;
  inclusive: boolean;
  active: boolean;
};

export type Buyer = { country: string; region: string; tax_ids: { type: string; value: string }[] };

const vatPrefix = (country: string) => (country === "GR" ? "EL" : country);

/** True when the buyer holds a (format-valid) EU VAT id of its own country — tax ids are validated when saved. */
export function hasEuVatId(buyer: Buyer): boolean {
  return buyer.tax_ids.some((t) => t.type === "eu_vat" && t.value.startsWith(vatPrefix(buyer.country)));
}

export function selectTax(mode: TaxMode, sellerCountry: string, buyer: Buyer, rates: readonly RateRow[]): TaxTreatment {
  if (mode !== "tally_rates" || !buyer.country) return { kind: "none" };
  if (
    EU_COUNTRIES.has(sellerCountry) &&
    EU_COUNTRIES.has(buyer.country) &&
    sellerCountry !== buyer.country &&
    hasEuVatId(buyer)
  )
    return { kind: "reverse_charge", country: buyer.country, note: REVERSE_CHARGE_NOTE };
  const active = rates.filter((r) => r.active && r.country === buyer.country);
  const region = buyer.region.trim().toUpperCase();
  const rate =
    (region && active.find((r) => r.region !== null && r.region.toUpperCase() === region)) ||
    active.find((r) => r.region === null);
  if (!rate) return { kind: "none" };
  return {
    kind: "rate",
    rateId: rate.id,
    name: rate.name,
    country: rate.country,
    region: rate.region,
    percentage: rate.percentage,
    inclusive: rate.inclusive,
  };
}
