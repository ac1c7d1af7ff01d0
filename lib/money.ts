// The only place that converts or formats money. Rates are exact decimals (decimal.js, strings on
// the wire); charged amounts are integers in the currency's minor unit. Rounding is half-up and
// happens once, when a decimal amount becomes a charged amount (roundToMinor).
import Decimal from "decimal.js";

// Enough precision that no rate × quantity product of realistic size ever rounds internally.
export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 60 });
export type Dec = InstanceType<typeof D>;

/** ISO 4217 minor-unit exponents that differ from 2. */
const MINOR_EXPONENT: Record<string, number> = {
  bif: 0,
  clp: 0,
  djf: 0,
  gnf: 0,
  jpy: 0,
  kmf: 0,
  krw: 0,
  mga: 0,
  pyg: 0,
  rwf: 0,
  ugx: 0,
  vnd: 0,
  vuv: 0,
  xaf: 0,
  xof: 0,
  xpf: 0,
  bhd: 3,
  jod: 3,
  kwd: 3,
  omr: 3,
  tnd: 3,
};

export const SUPPORTED_CURRENCIES = [
  "usd",
  "eur",
  "gbp",
  "cad",
  "aud",
  "jpy",
  "chf",
  "sek",
  "nok",
  "dkk",
  "inr",
  "brl",
  "mxn",
  "sgd",
  "nzd",
  "kwd",
] as const;

export function minorExponent(currency: string): number {
  return MINOR_EXPONENT[currency.toLowerCase()] ?? 2;
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** True for a plain decimal string ("0.05", "10", "-3.2"): no exponent, no spaces, no thousands separators. */
export function isDecimalString(s: string): boolean {
  return DECIMAL_RE.test(s);
}

export function dec(value: string | number | Dec): Dec {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Not a finite number: ${value}`);
    // Through the shortest round-trip string, so 0.1 stays 0.1 rather than its binary expansion.
    return new D(String(value));
  }
  return new D(value);
}

/** Half-up to the currency's minor unit, as an integer number of minor units. The one rounding step. */
export function roundToMinor(amount: Dec | string, currency: string): number {
  const minor = dec(amount)
    .mul(new D(10).pow(minorExponent(currency)))
    .toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  if (!minor.abs().lte(Number.MAX_SAFE_INTEGER)) throw new Error("Amount out of range");
  return minor.toNumber();
}

/**
 * A price typed by a person or an API client ("49.00") as minor units. Refuses more decimals than
 * the currency has instead of rounding silently: that is an input error, not a rounding step.
 */
export function parseAmountToMinor(amount: string, currency: string): number {
  const d = dec(amount);
  const exp = minorExponent(currency);
  if (d.decimalPlaces() > exp)
    throw new RangeError(`has more than ${exp} decimal places for ${currency.toUpperCase()}`);
  return roundToMinor(d, currency);
}

/** Minor units as a plain decimal string with the currency's decimals ("49.00"). */
export function minorToDecimal(minor: number, currency: string): string {
  return new D(minor).div(new D(10).pow(minorExponent(currency))).toFixed(minorExponent(currency));
}

// Formatting money for a person (amounts, unit prices) is lib/format.ts's: one formatter per kind.
