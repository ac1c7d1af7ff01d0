// One formatter per kind of number (credits, quantities with units, dates). Money is in lib/money.ts.
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const quantity = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export const formatCredits = (n: number) => `${integer.format(n)} credit${n === 1 ? "" : "s"}`;
export const formatInteger = (n: number) => integer.format(n);

/** "1,234.5 calls"; decimal strings are formatted exactly. */
export function formatQuantity(
  value: string | number,
  unit?: string,
  mode: "standard" | "compact" = "standard",
): string {
  const f = mode === "compact" ? compact : quantity;
  const text = f.format(value as number);
  if (!unit || unit === "unit") return text;
  const plural = Number(value) === 1 ? unit : unit.endsWith("s") || unit === "GB" ? unit : `${unit}s`;
  return `${text} ${plural}`;
}

const dateFmt = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const dateTimeFmt = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** Server-rendered dates are shown in UTC and say so; components/ui/local-time.tsx shows the viewer's zone. */
export const formatDate = (d: Date | string | null | undefined) => (d ? dateFmt.format(new Date(d)) : "—");
export const formatDateTime = (d: Date | string | null | undefined) => (d ? dateTimeFmt.format(new Date(d)) : "—");

/** A ratio as a decimal string ("0.0833") as a percent with one decimal ("8.3 %"); "—" when undefined. */
export function formatPercent(ratio: string | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined) return "—";
  const negative = ratio.startsWith("-");
  const [int = "0", frac = ""] = ratio.replace("-", "").split(".");
  // Shift the decimal point two places in the string (exact); Intl rounds a string half-up, exactly.
  const shifted = `${int}${frac.padEnd(2, "0").slice(0, 2)}.${frac.slice(2) || "0"}`;
  const value = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    shifted as unknown as number,
  );
  return `${negative ? "−" : ""}${value} %`;
}

/** "2026-03" → "Mar 2026". */
export function formatMonth(key: string, style: "short" | "long" = "short"): string {
  const [y, m] = key.split("-").map(Number);
  return new Intl.DateTimeFormat("en-US", { month: style, year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y!, m! - 1, 1)),
  );
}
