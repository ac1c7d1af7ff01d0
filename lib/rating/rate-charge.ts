// What one charge comes to for one period's quantity: an exact, unrounded amount and the steps
// that explain it. Pure: no database, no clock, no I/O. Rounding to the currency's minor unit is
// not done here; it happens once, on the total (rate-plan.ts).
//
// Rules, by model (after `included_quantity` is taken off, never below zero):
// - per_unit: quantity × unit_price.
// - package: every started package in full: ceil(quantity / package_size) × package_price.
// - graduated: each unit at the price of the tier it falls in; a tier's flat_amount is added once
//   when any unit falls in it (quantity 0 reaches no tier, so costs nothing).
// - volume: every unit at the price of the tier the whole quantity falls in, plus that tier's
//   flat_amount; quantity 0 costs nothing.
// - group: each group value's quantity × its price, or default_unit_price; a value with neither is
//   reported in `unpriced` (and left out of the amount), never charged as free.
// - fixed: the amount as is, quantity 1; any quantity passed is ignored.
// Tier bounds are inclusive: with up_to 1000, unit 1000 is in the first tier and 1000.5 is not.
//
// Quantities are non-negative plain decimal strings of any size or precision ("5.5",
// "1000000000000"); anything else throws RatingInputError rather than rating a guess. A charge
// that is not a usage `group` charge may still be handed per-group quantities: they are summed.
// All arithmetic is decimal.js (lib/money's D, 60 significant digits: exact for any realistic
// rate × quantity); amounts come out as plain decimal strings, never in exponent notation, and
// without trailing zeros ("10.00" → "10").
import { D, isDecimalString, type Dec } from "@/lib/money";
import { compileCharge, type CompiledCharge, type CompiledTier, type Price } from "./compile-charge";
import { groupDigits } from "./group-digits";
import { RatingInputError } from "./rating-error";
import type { Charge, LinePart, Quantity, RateOptions, RatedLine, UsageCharge } from "./types";

const ZERO = new D(0);
const ONE = new D(1);

/** A quantity as a decimal and its canonical text (what the line shows). */
type Parsed = { value: Dec; text: string };
const ZERO_QUANTITY: Parsed = { value: ZERO, text: "0" };

// Canonical plain decimals ("12", "0.5"; not "012" or "5.50"): their text is used as is.
const CANONICAL_DECIMAL = /^(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** Rates one charge for one period. `quantity` undefined means no usage. */
export function rateCharge(charge: Charge, quantity: Quantity | undefined, options?: RateOptions): RatedLine {
  return rateChargeExact(charge, quantity, options).line;
}

/** rateCharge, also giving the amount as a decimal so a caller summing lines need not re-parse it. */
export function rateChargeExact(
  charge: Charge,
  quantity: Quantity | undefined,
  options?: RateOptions,
): { line: RatedLine; amount: Dec } {
  const explain = options?.explain !== false;
  const c = compileCharge(charge);

  if (c.model === "fixed") {
    const name = (charge as Extract<Charge, { type: "fixed" }>).name;
    const text = c.amount.text;
    return {
      amount: c.amount.value,
      line: {
        type: "fixed",
        name,
        quantity: "1",
        billable_quantity: "1",
        amount: text,
        parts: explain ? [{ description: name, quantity: "1", unit_price: text, amount: text }] : [],
      },
    };
  }

  const usage = charge as UsageCharge;
  const parts: LinePart[] = [];
  if (c.model === "group")
    return rateGroup(usage as Extract<UsageCharge, { model: "group" }>, c, quantity, explain, parts);

  const total = totalQuantity(quantity, usage.meter);
  const billable = takeIncluded(total, c.included, explain, parts);
  let amount: Dec;
  let amountText: string | undefined;
  if (billable.value.isZero()) {
    amount = ZERO;
    amountText = "0";
  } else if (c.model === "per_unit") {
    amount = billable.value.times(c.unitPrice.value);
    if (explain) {
      amountText = amount.toFixed();
      parts.push({
        description: "Per unit",
        quantity: billable.text,
        unit_price: c.unitPrice.text,
        amount: amountText,
      });
    }
  } else if (c.model === "package") {
    const packages = ceilDiv(billable, c.size, c.sizeNumber);
    amount = packages.times(c.packagePrice.value);
    if (explain) {
      const n = packages.toFixed();
      amountText = amount.toFixed();
      parts.push({
        description: `${groupDigits(n)} ${n === "1" ? "package" : "packages"} of ${c.sizeText} units`,
        quantity: n,
        unit_price: c.packagePrice.text,
        amount: amountText,
      });
    }
  } else if (c.model === "graduated") {
    amount = rateGraduated(c.tiers, billable.value, explain, parts);
  } else {
    const rated = rateVolume(c.tiers, billable, explain, parts);
    amount = rated.amount;
    amountText = rated.text;
  }

  return {
    amount,
    line: {
      type: "usage",
      name: usage.name ?? usage.meter,
      meter: usage.meter,
      quantity: total.text,
      billable_quantity: billable.text,
      amount: amountText ?? amount.toFixed(),
      parts,
    },
  };
}

/** The first tier whose (inclusive) upper bound the quantity does not pass. */
function tierOf(tiers: CompiledTier[], quantity: Dec): number {
  let k = 0;
  for (;;) {
    const upper = tiers[k]!.upper;
    if (upper === null || quantity.lte(upper)) return k;
    k++;
  }
}

function rateGraduated(tiers: CompiledTier[], quantity: Dec, explain: boolean, parts: LinePart[]): Dec {
  const k = tierOf(tiers, quantity);
  const tier = tiers[k]!;
  const inTier = quantity.minus(tier.lower);
  const partial = inTier.times(tier.unitPrice.value);
  let amount = k === 0 ? partial : tier.below.plus(partial);
  if (tier.flat) amount = amount.plus(tier.flat.value);
  if (explain) {
    for (let i = 0; i < k; i++) {
      const t = tiers[i]!;
      parts.push({
        description: t.label,
        quantity: t.widthText!,
        unit_price: t.unitPrice.text,
        amount: t.fullAmountText!,
      });
      if (t.flat) parts.push(flatPart(t));
    }
    parts.push({
      description: tier.label,
      quantity: inTier.toFixed(),
      unit_price: tier.unitPrice.text,
      amount: partial.toFixed(),
    });
    if (tier.flat) parts.push(flatPart(tier));
  }
  return amount;
}

function rateVolume(
  tiers: CompiledTier[],
  quantity: Parsed,
  explain: boolean,
  parts: LinePart[],
): { amount: Dec; text?: string } {
  const tier = tiers[tierOf(tiers, quantity.value)]!;
  const units = quantity.value.times(tier.unitPrice.value);
  if (!explain) return { amount: tier.flat ? units.plus(tier.flat.value) : units };
  const unitsText = units.toFixed();
  parts.push({
    description: tier.allUnitsLabel,
    quantity: quantity.text,
    unit_price: tier.unitPrice.text,
    amount: unitsText,
  });
  if (!tier.flat) return { amount: units, text: unitsText };
  parts.push(flatPart(tier));
  return { amount: units.plus(tier.flat.value) };
}

function flatPart(tier: CompiledTier): LinePart {
  return { description: tier.flatLabel, quantity: "1", unit_price: tier.flat!.text, amount: tier.flat!.text };
}

function rateGroup(
  charge: Extract<UsageCharge, { model: "group" }>,
  c: Extract<CompiledCharge, { model: "group" }>,
  quantity: Quantity | undefined,
  explain: boolean,
  parts: LinePart[],
): { line: RatedLine; amount: Dec } {
  const by = charge.group_by;
  // [group value, quantity]; a plain total (no breakdown by group) is one entry with value null.
  let entries: [string | null, Dec][];
  if (quantity === undefined) entries = [];
  else if (typeof quantity === "string") entries = [[null, parseQuantity(quantity, charge.meter).value]];
  else entries = groupEntries(quantity, charge.meter);

  let total = ZERO;
  for (const [, q] of entries) total = total.plus(q);

  // Included units come off the groups in order of group value (code-unit order, the order of
  // Object.keys(...).sort()), not in proportion: the result does not depend on the order the usage
  // was reported in, and no group's quantity becomes a fraction the meter never produced.
  let included = c.included ?? ZERO;
  if (c.included && explain && !total.isZero()) parts.push(includedPart(D.min(c.included, total)));

  let amount = ZERO;
  let billableTotal = ZERO;
  const unpriced: NonNullable<RatedLine["unpriced"]> = [];
  for (const [value, q] of entries) {
    let billable = q;
    if (!included.isZero()) {
      const taken = D.min(included, q);
      billable = q.minus(taken);
      included = included.minus(taken);
    }
    if (billable.isZero()) continue;
    billableTotal = billableTotal.plus(billable);
    const own = value === null ? undefined : c.prices.get(value);
    const p: Price | null = own ?? c.defaultPrice;
    if (!p) {
      unpriced.push({
        reason:
          value === null
            ? `usage is not broken down by ${by} and the charge has no default_unit_price`
            : `no price for ${by} ${JSON.stringify(value)} and no default_unit_price`,
        quantity: billable.toFixed(),
      });
      continue;
    }
    const groupAmount = billable.times(p.value);
    amount = amount.plus(groupAmount);
    if (explain) {
      const label = value === null ? `${by}: not broken down` : `${by} = ${value}`;
      parts.push({
        description: own ? label : `${label} (default price)`,
        quantity: billable.toFixed(),
        unit_price: p.text,
        amount: groupAmount.toFixed(),
      });
    }
  }

  const line: RatedLine = {
    type: "usage",
    name: charge.name ?? charge.meter,
    meter: charge.meter,
    quantity: total.toFixed(),
    billable_quantity: billableTotal.toFixed(),
    amount: amount.toFixed(),
    parts,
  };
  if (unpriced.length > 0) line.unpriced = unpriced;
  return { line, amount };
}

function groupEntries(quantity: { groups: Record<string, string> }, meter: string): [string, Dec][] {
  const groups = quantity !== null && typeof quantity === "object" ? quantity.groups : undefined;
  if (groups === null || typeof groups !== "object")
    throw new RatingInputError(`meter ${meter}: quantity must be a decimal string or { groups: { value: quantity } }`);
  return Object.keys(groups)
    .sort()
    .map((value) => [value, parseQuantity(groups[value], `${meter}, group ${JSON.stringify(value)}`).value]);
}

/** The total quantity, summing per-group quantities when the meter reported them. */
function totalQuantity(quantity: Quantity | undefined, meter: string): Parsed {
  if (quantity === undefined) return ZERO_QUANTITY;
  if (typeof quantity === "string") return parseQuantity(quantity, meter);
  let total = ZERO;
  for (const [, q] of groupEntries(quantity, meter)) total = total.plus(q);
  return { value: total, text: total.toFixed() };
}

/** A non-negative plain decimal string as a decimal and its canonical text. */
function parseQuantity(s: unknown, where: string): Parsed {
  if (typeof s === "string" && CANONICAL_DECIMAL.test(s)) return { value: new D(s), text: s };
  if (typeof s !== "string" || !isDecimalString(s)) {
    throw new RatingInputError(`meter ${where}: quantity ${JSON.stringify(s)} is not a plain decimal string`);
  }
  const value = new D(s);
  if (value.isNeg()) {
    if (value.isZero()) return { value: ZERO, text: "0" }; // "-0"
    throw new RatingInputError(`meter ${where}: quantity ${s} is negative`);
  }
  return { value, text: value.toFixed() };
}

function takeIncluded(total: Parsed, included: Dec | null, explain: boolean, parts: LinePart[]): Parsed {
  if (included === null || total.value.isZero()) return total;
  if (total.value.lte(included)) {
    if (explain) parts.push(includedPart(total.value));
    return ZERO_QUANTITY;
  }
  if (explain) parts.push(includedPart(included));
  const billable = total.value.minus(included);
  return { value: billable, text: billable.toFixed() };
}

function includedPart(taken: Dec): LinePart {
  return { description: "Included units", quantity: taken.toFixed(), unit_price: "0", amount: "0" };
}

/** ceil(quantity / size) exactly: whole packages, plus one for a started package. */
function ceilDiv(quantity: Parsed, size: Dec, sizeNumber: number): Dec {
  // Fast path, exact: a whole quantity below 10^15 is a safe integer, and on safe integers % and
  // the division of (q − r) by size are exact in floating point.
  if (quantity.text.length <= 15 && quantity.text.indexOf(".") === -1) {
    const q = Number(quantity.text);
    const r = q % sizeNumber;
    return new D((q - r) / sizeNumber + (r > 0 ? 1 : 0));
  }
  const whole = quantity.value.divToInt(size);
  return whole.times(size).lt(quantity.value) ? whole.plus(ONE) : whole;
}
