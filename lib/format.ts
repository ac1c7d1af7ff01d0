// One formatter per kind of figure, for every page, e-mail-like message and PDF: money amounts,
// unit prices, credits and quantities, percentages, dates, date ranges, months, card brand and
// expiry. Nothing else in app/, components/ or lib/ formats a number or a date for a person
// (tests/format-usage.test.ts checks). The figures themselves are defined in docs/metrics.md.
import { D, dec, minorExponent, roundToMinor, type Dec } from "@/lib/money";
import { processState } from "@/lib/process-state";

const LOCALE = "en-US";

/**
 * Formats a decimal string exactly: Intl takes a numeric string as an exact decimal (ES2023), so no
 * float ever stands between an amount and its text. `decimal` is a plain decimal ("-12.3450").
 */
function formatExact(f: Intl.NumberFormat, decimal: string): string {
  return f.format(decimal as Intl.StringNumericLiteral);
}

// ————— numbers —————

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const quantity = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 4 });
const compact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });

export const formatCredits = (n: number) => `${integer.format(n)} credit${n === 1 ? "" : "s"}`;
/** "1,234"; an integer count (events, credits without their unit, customers). */
export const formatInteger = (n: number | bigint) => integer.format(n);

/** "1,234.5 calls"; decimal strings are formatted exactly. */
export function formatQuantity(
  value: string | number,
  unit?: string,
  mode: "standard" | "compact" = "standard",
): string {
  const f = mode === "compact" ? compact : quantity;
  const text = typeof value === "string" ? formatExact(f, value) : f.format(value);
  if (!unit || unit === "unit") return text;
  return `${text} ${pluralUnit(unit, Number(value))}`;
}

function pluralUnit(unit: string, n: number): string {
  return n === 1 ? unit : unit.endsWith("s") || unit === "GB" ? unit : `${unit}s`;
}

/** A ratio as a decimal string ("0.0833") as a percent with one decimal ("8.3 %"); "—" when undefined. */
export function formatPercent(ratio: string | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined) return "—";
  const negative = ratio.startsWith("-");
  const [int = "0", frac = ""] = ratio.replace("-", "").split(".");
  // Shift the decimal point two places in the string (exact); Intl rounds a string half-up, exactly.
  const shifted = `${int}${frac.padEnd(2, "0").slice(0, 2)}.${frac.slice(2) || "0"}`;
  const value = formatExact(
    new Intl.NumberFormat(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    shifted,
  );
  return `${negative ? "−" : ""}${value} %`;
}

/** A number that already is a percent (42.5 → "42.5 %"), as the percent_used fields carry it. */
export function formatPercentValue(percent: number, digits = 1): string {
  const value = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: digits }).format(percent);
  return `${value} %`;
}

// ————— money —————

export type MoneyMode = "standard" | "compact";

const moneyFormatters = processState("format.money", () => new Map<string, Intl.NumberFormat>());
function moneyFormatter(currency: string, mode: MoneyMode | "digits", digits?: number): Intl.NumberFormat {
  const k = `${currency}|${mode}|${digits ?? ""}`;
  let f = moneyFormatters.get(k);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, {
      style: "currency",
      currency: currency.toUpperCase(),
      ...(mode === "compact" ? { notation: "compact", maximumFractionDigits: 1 } : {}),
      ...(digits !== undefined ? { minimumFractionDigits: digits, maximumFractionDigits: digits } : {}),
    });
    moneyFormatters.set(k, f);
  }
  return f;
}

/** An amount in minor units: "$1,234.50"; compact ("$1.2K") for chart axes. */
export function formatMoney(minor: number, currency: string, mode: MoneyMode = "standard"): string {
  const major = new D(minor).div(new D(10).pow(minorExponent(currency)));
  // Intl formats a string exactly (ES2023 "exact decimal" strings), avoiding float error. A
  // negative amount takes the minus sign (−), as every figure here does.
  return formatExact(moneyFormatter(currency, mode), major.toFixed()).replace("-", "−");
}

/** A change of an amount: "+$29.00", "−$99.00", "$0.00". */
export function formatSignedMoney(minor: number, currency: string): string {
  return (minor > 0 ? "+" : "") + formatMoney(minor, currency);
}

/**
 * An exact decimal amount (major units, e.g. a rated usage charge "0.5451") for display: rounded
 * half-up once to the currency's minor unit, as it would be charged ("$0.55"). An amount that is
 * not zero but rounds to zero says so ("< $0.01") rather than reading as nothing. Display only.
 */
export function formatAmount(amount: string | Dec, currency: string): string {
  const d = dec(amount);
  const minor = roundToMinor(d, currency);
  if (minor === 0 && !d.isZero()) {
    const smallest = formatMoney(1, currency);
    return d.isNegative() ? `> −${smallest}` : `< ${smallest}`;
  }
  return formatMoney(minor, currency);
}

/**
 * A unit price, explicitly per unit: "$0.0005 / call", "$0.00003 / token", "$29.00 / month".
 * Unit prices keep every decimal they have (at least the currency's), because they are multiplied
 * before anything is rounded; the unit says that this is a price, not an amount.
 */
export function formatUnitPrice(rate: string | Dec, currency: string, unit: string): string {
  const d = dec(rate);
  const digits = Math.min(20, Math.max(minorExponent(currency), d.decimalPlaces()));
  const price = formatExact(moneyFormatter(currency, "digits", digits), d.toFixed(digits)).replace("-", "−");
  return `${price} / ${unit}`;
}

// ————— dates —————

const dayFmt = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
const hourFmt = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", hour: "2-digit", timeZone: "UTC" });
const timeFmt = new Intl.DateTimeFormat(LOCALE, {
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** UTC, as every server-rendered date; "local" is the viewer's zone (components/ui/local-time.tsx, in the browser). */
export type Zone = "UTC" | "local";
const dateFormatters = processState("format.dates", () => new Map<string, Intl.DateTimeFormat>());
function dateFormatter(kind: "date" | "datetime", zone: Zone): Intl.DateTimeFormat {
  const k = `${kind}|${zone}`;
  let f = dateFormatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALE, {
      year: "numeric",
      month: "short",
      day: "numeric",
      ...(kind === "datetime" ? { hour: "2-digit", minute: "2-digit", timeZoneName: "short" } : {}),
      ...(zone === "UTC" ? { timeZone: "UTC" } : {}),
    });
    dateFormatters.set(k, f);
  }
  return f;
}

type DateLike = Date | string | number;
const present = (d: DateLike | null | undefined): d is DateLike => d !== null && d !== undefined && d !== "";

/** "Dec 21, 2026" (UTC unless asked): the one way a day is written. */
export const formatDate = (d: DateLike | null | undefined, zone: Zone = "UTC") =>
  present(d) ? dateFormatter("date", zone).format(new Date(d)) : "—";
/** "Dec 21, 2026, 02:30 PM UTC" (the zone is always named). */
export const formatDateTime = (d: DateLike | null | undefined, zone: Zone = "UTC") =>
  present(d) ? dateFormatter("datetime", zone).format(new Date(d)) : "—";
/** "02:30 PM UTC". */
export const formatTime = (d: DateLike) => timeFmt.format(new Date(d));
/** "Dec 21" — a day on a chart axis, where the year is on the axis's title. */
export const formatDay = (d: DateLike) => dayFmt.format(new Date(d));
/** "Dec 21, 02 PM" — an hour on a chart axis. */
export const formatHour = (d: DateLike) => hourFmt.format(new Date(d));

/**
 * A half-open range [start, end) as the days it covers: "Nov 21 – Dec 20, 2026",
 * "Dec 21, 2026 – Jan 20, 2027"; one day is "Dec 21, 2026". Billing periods and calendar months end
 * at the start of the next one, which is not part of them.
 */
export function formatDateRange(start: DateLike, end: DateLike): string {
  const from = new Date(start);
  const last = new Date(Math.max(from.getTime(), new Date(end).getTime() - 1));
  if (from.toISOString().slice(0, 10) === last.toISOString().slice(0, 10)) return formatDate(from);
  if (from.getUTCFullYear() === last.getUTCFullYear()) return `${formatDay(from)} – ${formatDate(last)}`;
  return `${formatDate(from)} – ${formatDate(last)}`;
}

/** "2026-03" → "Mar 2026". */
export function formatMonth(key: string, style: "short" | "long" = "short"): string {
  const [y, m] = key.split("-").map(Number);
  return new Intl.DateTimeFormat(LOCALE, { month: style, year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y!, m! - 1, 1)),
  );
}

// ————— cards —————

const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  american_express: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
  card: "Card",
};

/** A card brand as its owner writes it: "visa" → "Visa", "amex" → "American Express". */
export function formatCardBrand(brand: string): string {
  const key = brand
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  return BRANDS[key] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

/** "Visa •••• 4242". */
export const formatCard = (brand: string, last4: string) => `${formatCardBrand(brand)} •••• ${last4}`;

/**
 * A stored payment-method label ("visa •••• 4242", written before brands were formatted) as
 * formatCard writes it; other labels ("Bank transfer") pass through.
 */
export function formatPaymentMethodLabel(label: string | null | undefined): string {
  if (!label) return "—";
  const m = /^(\S+) •••• (\d{4})$/.exec(label);
  return m ? formatCard(m[1]!, m[2]!) : label;
}

/** Expiry as printed on the card: "12/30". */
export function formatCardExpiry(month: number | null | undefined, year: number | null | undefined): string {
  if (!month || !year) return "—";
  return `${String(month).padStart(2, "0")}/${String(year % 100).padStart(2, "0")}`;
}

// ————— features —————

/**
 * A plan's value for a feature, as pricing cards and tables show it: "Included" / "—" for on/off,
 * "5 seats", and for a metered limit "10,000 calls a month" or "Unlimited".
 */
export function formatFeatureValue(
  kind: "boolean" | "numeric" | "metered",
  value: boolean | number | null | undefined,
  unit?: string | null,
): string {
  if (kind === "boolean") return value === true ? "Included" : "—";
  if (kind === "metered" && value === null) return "Unlimited";
  if (typeof value !== "number") return "—";
  const text = formatQuantity(value, unit ?? undefined);
  return kind === "metered" ? `${text} a month` : text;
}
