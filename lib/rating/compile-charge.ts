// Turns a charge into what rating it needs: its decimals parsed once, tier bounds and labels worked
// out, and for graduated tiers the amount of every whole tier below each tier summed in advance, so
// rating a quantity costs the same few operations whatever tier it lands in.
//
// The charge is validated with ZCharge on the way in: an invalid charge throws RatingInputError
// (rating an unordered tier table would give wrong amounts, not an error). The result is cached
// per charge object (WeakMap, so it goes when the charge does) and by content, so equal charges
// loaded afresh share the work. Charges are plain data that a caller could change after rating
// one; every cache hit compares the fields the amounts depend on with the values it was compiled
// from (cheap identity comparisons) and recompiles on a change.
import { D, type Dec } from "@/lib/money";
import { processState } from "@/lib/process-state";
import { groupDigits } from "./group-digits";
import { RatingInputError } from "./rating-error";
import type { Charge, Tier } from "./types";
import { validateCharge } from "./validate-price-model";

export type Price = { value: Dec; text: string };

export type CompiledTier = {
  /** "Tier 2: 1,001–10,000". */
  label: string;
  /** "Tier 2: 1,001–10,000 (all units)", for volume pricing. */
  allUnitsLabel: string;
  /** "Tier 2 flat amount". */
  flatLabel: string;
  /** The previous tier's up_to (0 for the first): this tier takes the units above it. */
  lower: Dec;
  /** Inclusive; null on the last tier. */
  upper: Dec | null;
  unitPrice: Price;
  /** Null when the tier has no flat amount or it is zero. */
  flat: Price | null;
  /** Graduated: the units of the whole tier (upper − lower) as text; null on the last tier. */
  widthText: string | null;
  /** Graduated: what the whole tier comes to without its flat amount, as text; null on the last tier. */
  fullAmountText: string | null;
  /** Graduated: every tier below this one, whole, flat amounts included. */
  below: Dec;
};

type Usage = { included: Dec | null };

export type CompiledCharge =
  | { model: "fixed"; amount: Price }
  | (Usage & { model: "per_unit"; unitPrice: Price })
  | (Usage & { model: "package"; size: Dec; sizeNumber: number; sizeText: string; packagePrice: Price })
  | (Usage & { model: "graduated" | "volume"; tiers: CompiledTier[] })
  | (Usage & { model: "group"; prices: Map<string, Price>; defaultPrice: Price | null });

type Entry = { compiled: CompiledCharge; unchanged: (charge: Charge) => boolean };

/** By charge object: the hot path, a WeakMap lookup and a few identity comparisons. */
const byObject = processState("rating.charges-by-object", () => new WeakMap<Charge, Entry>());

/**
 * By content (JSON text): a billing run that loads each subscription's plan from the database gets
 * new charge objects every time, equal in content; they share one validation and compilation.
 * Bounded; emptied when full (a platform has far fewer distinct charges than this).
 */
const byContent = processState("rating.charges-by-content", () => new Map<string, CompiledCharge>());
const BY_CONTENT_LIMIT = 2048;

/** The charge ready to rate; throws RatingInputError when it is not a valid charge. */
export function compileCharge(charge: Charge): CompiledCharge {
  const hit = byObject.get(charge);
  if (hit && hit.unchanged(charge)) return hit.compiled;
  if (charge === null || typeof charge !== "object") throw new RatingInputError("A charge must be an object");
  const key = contentKey(charge);
  let compiled = key === null ? undefined : byContent.get(key);
  if (!compiled) {
    compiled = build(validated(charge));
    if (key !== null) {
      if (byContent.size >= BY_CONTENT_LIMIT) byContent.clear();
      byContent.set(key, compiled);
    }
  }
  byObject.set(charge, { compiled, unchanged: watch(charge) });
  return compiled;
}

/**
 * JSON text that tells charges apart exactly, or null when JSON cannot: NaN and ±Infinity, which
 * JSON.stringify writes as null (like a valid open tier's up_to), or something that is not plain
 * data. Those charges skip the content cache and are validated (and refused) on their own.
 */
function contentKey(charge: Charge): string | null {
  if (hasNonFiniteNumber(charge)) return null;
  try {
    return JSON.stringify(charge);
  } catch {
    return null;
  }
}

function hasNonFiniteNumber(v: unknown, depth = 0): boolean {
  if (typeof v === "number") return !Number.isFinite(v);
  if (v === null || typeof v !== "object") return false;
  if (depth > 4) return true; // deeper than any charge: not charge data, so keep it out of the cache
  for (const k in v) if (hasNonFiniteNumber((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

function validated(raw: Charge): Charge {
  const result = validateCharge(raw);
  if (result.ok) return result.charge;
  const what =
    raw.type === "fixed"
      ? `charge "${raw.name}"`
      : `charge on meter ${JSON.stringify((raw as { meter?: unknown }).meter)}`;
  const detail = result.issues.map((i) => `${i.field || "(charge)"}: ${i.message}`).join("; ");
  throw new RatingInputError(`Invalid ${what}: ${detail}`, result.issues);
}

function price(s: string): Price {
  const value = new D(s);
  return { value, text: value.toFixed() };
}

/** From a validated charge (decimals are strings by now). */
function build(charge: Charge): CompiledCharge {
  if (charge.type === "fixed") return { model: "fixed", amount: price(charge.amount) };
  const included =
    charge.included_quantity === undefined || new D(charge.included_quantity).isZero()
      ? null
      : new D(charge.included_quantity);
  switch (charge.model) {
    case "per_unit":
      return { model: "per_unit", included, unitPrice: price(charge.unit_price) };
    case "package":
      return {
        model: "package",
        included,
        size: new D(charge.package_size),
        sizeNumber: charge.package_size,
        sizeText: groupDigits(charge.package_size),
        packagePrice: price(charge.package_price),
      };
    case "graduated":
    case "volume":
      return { model: charge.model, included, tiers: compileTiers(charge.tiers) };
    case "group": {
      const prices = new Map<string, Price>();
      for (const [value, p] of Object.entries(charge.prices)) prices.set(value, price(p));
      return {
        model: "group",
        included,
        prices,
        defaultPrice: charge.default_unit_price == null ? null : price(charge.default_unit_price),
      };
    }
  }
}

/**
 * A check that the charge still holds the values it was compiled from: the fields the amounts
 * depend on, compared by identity (strings and numbers by value). Names and meters are read fresh
 * on every rating, so they need no watching. `raw` has passed validation (or equals, as JSON, a
 * charge that did), so its shape is known.
 */
function watch(raw: Charge): (charge: Charge) => boolean {
  if (raw.type === "fixed") {
    const amount0 = raw.amount;
    return (c) => c.type === "fixed" && c.amount === amount0;
  }
  const model0 = raw.model;
  const included0 = raw.included_quantity;
  const sameUsage = (c: Charge) => c.type === "usage" && c.model === model0 && c.included_quantity === included0;
  switch (raw.model) {
    case "per_unit": {
      const price0 = raw.unit_price;
      return (c) => sameUsage(c) && (c as typeof raw).unit_price === price0;
    }
    case "package": {
      const size0 = raw.package_size;
      const price0 = raw.package_price;
      return (c) =>
        sameUsage(c) && (c as typeof raw).package_size === size0 && (c as typeof raw).package_price === price0;
    }
    case "graduated":
    case "volume": {
      const tiers0 = raw.tiers;
      const snapshot = tiers0.map((t) => ({
        tier: t,
        up_to: t.up_to,
        unit_price: t.unit_price,
        flat_amount: t.flat_amount,
      }));
      return (c) => {
        if (!sameUsage(c)) return false;
        const tiers = (c as typeof raw).tiers;
        if (tiers !== tiers0 || tiers.length !== snapshot.length) return false;
        for (let i = 0; i < snapshot.length; i++) {
          const s = snapshot[i]!;
          const t = tiers[i]!;
          if (t !== s.tier || t.up_to !== s.up_to || t.unit_price !== s.unit_price || t.flat_amount !== s.flat_amount)
            return false;
        }
        return true;
      };
    }
    case "group": {
      const prices0 = raw.prices;
      const snapshot = new Map(Object.entries(prices0));
      const default0 = raw.default_unit_price;
      return (c) => {
        if (!sameUsage(c)) return false;
        const g = c as typeof raw;
        if (g.prices !== prices0 || g.default_unit_price !== default0) return false;
        let n = 0;
        for (const k in prices0) {
          if (!Object.hasOwn(prices0, k)) continue;
          if (snapshot.get(k) !== prices0[k]) return false;
          n++;
        }
        return n === snapshot.size;
      };
    }
  }
}

function compileTiers(tiers: Tier[]): CompiledTier[] {
  const out: CompiledTier[] = [];
  let lowerNumber = 0;
  let lower = new D(0);
  let below = new D(0);
  tiers.forEach((tier, i) => {
    const upper = tier.up_to === null ? null : new D(tier.up_to);
    const unitPrice = price(tier.unit_price);
    const flat = tier.flat_amount === undefined || new D(tier.flat_amount).isZero() ? null : price(tier.flat_amount);
    const from = groupDigits(lowerNumber + 1);
    const label =
      tier.up_to === null
        ? i === 0
          ? `Tier 1: all units`
          : `Tier ${i + 1}: ${from} and above`
        : `Tier ${i + 1}: ${from}–${groupDigits(tier.up_to)}`;
    const width = upper === null ? null : upper.minus(lower);
    const fullAmount = width === null ? null : width.times(unitPrice.value);
    out.push({
      label,
      allUnitsLabel: `${label} (all units)`,
      flatLabel: `Tier ${i + 1} flat amount`,
      lower,
      upper,
      unitPrice,
      flat,
      widthText: width === null ? null : width.toFixed(),
      fullAmountText: fullAmount === null ? null : fullAmount.toFixed(),
      below,
    });
    if (upper !== null && fullAmount !== null) {
      below = below.plus(fullAmount);
      if (flat) below = below.plus(flat.value);
      lower = upper;
      lowerNumber = tier.up_to!;
    }
  });
  return out;
}
