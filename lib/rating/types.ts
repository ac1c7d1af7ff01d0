// The pricing vocabulary shared by the catalog (what a plan charges) and the rating engine (what
// that comes to). Decimal values are strings, always: "0.05", never 0.05.
import type { z } from "zod";
import type { ZLinePartJson, ZRatedLineJson } from "./line-schemas";

/** One tier; `up_to` is inclusive and null on the last tier. `flat_amount` is added once when the tier is reached. */
export type Tier = { up_to: number | null; unit_price: string; flat_amount?: string };

export type PriceModel =
  | { model: "per_unit"; unit_price: string }
  /** Every started package is charged in full: 1,001 units at 1,000 a package is two packages. */
  | { model: "package"; package_size: number; package_price: string }
  /** Each unit is priced by the tier it falls in. */
  | { model: "graduated"; tiers: Tier[] }
  /** All units are priced by the tier the total falls in. */
  | { model: "volume"; tiers: Tier[] }
  /** A unit price per value of a property (e.g. per model); values without a price are unpriced, not free. */
  | { model: "group"; group_by: string; prices: Record<string, string>; default_unit_price?: string | null };

export type UsageCharge = PriceModel & {
  type: "usage";
  /** Meter code. */
  meter: string;
  name?: string;
  /** Units given free each period before the price model applies. */
  included_quantity?: string;
  /**
   * When the meter's usage is drawn from credits (linked to a credit event, lib/credits/drawdown.ts):
   * "credits" (the default) — not billed in arrears as well; "both" — billed in arrears at this
   * price too. No effect on a meter that draws no credits.
   */
  usage_billing?: "credits" | "both";
};

export type FixedCharge = { type: "fixed"; name: string; amount: string };

export type Charge = UsageCharge | FixedCharge;

/** A meter's quantity for the period: a total, or a total per group value for `group` charges. */
export type Quantity = string | { groups: Record<string, string> };

export type LinePart = z.infer<typeof ZLinePartJson>;

export type RatedLine = z.infer<typeof ZRatedLineJson>;

export type RatedTotal = {
  lines: RatedLine[];
  /** Exact sum of the lines. */
  amount: string;
  /** amount rounded half-up once to the currency's minor unit. */
  amount_minor: number;
  currency: string;
  /** Meters that had usage but no charge in the plan. */
  unpriced_meters: string[];
};

export type RateOptions = {
  /** Build `parts` (the step-by-step explanation). Default true; false leaves `parts` empty and rates faster. */
  explain?: boolean;
};
