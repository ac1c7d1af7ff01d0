// An override's value in words, for the admin's list and history ("graduated: up to 1,000 at 0.01,
// then 0.005"; "limit 10 a month (hard)"; "2,500 credits a month"). Pure.
import { formatInteger } from "@/lib/format";
import type { OverrideKind } from "@/lib/db/schema/overrides";
import type { Charge, Tier } from "@/lib/rating";
import type { ChargePriceValue, FeatureValue } from "./schemas";

const tiersText = (tiers: Tier[]) =>
  tiers
    .map((t, i) => {
      const fee = t.flat_amount ? ` + ${t.flat_amount}` : "";
      if (t.up_to === null) return i === 0 ? `${t.unit_price}${fee}` : `then ${t.unit_price}${fee}`;
      return `${i === 0 ? "up to" : "to"} ${formatInteger(t.up_to)} at ${t.unit_price}${fee}`;
    })
    .join(", ");

/** A usage charge's price model in words. */
export function priceText(p: ChargePriceValue | Extract<Charge, { type: "usage" }>): string {
  const included = p.included_quantity && p.included_quantity !== "0" ? `; ${p.included_quantity} included` : "";
  switch (p.model) {
    case "per_unit":
      return `${p.unit_price} a unit${included}`;
    case "package":
      return `${p.package_price} per ${formatInteger(p.package_size)} units${included}`;
    case "graduated":
      return `graduated: ${tiersText(p.tiers)}${included}`;
    case "volume":
      return `volume: ${tiersText(p.tiers)}${included}`;
    case "group":
      return `by ${p.group_by}: ${Object.entries(p.prices)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}${included}`;
  }
}

export function overrideValueText(kind: OverrideKind, value: Record<string, unknown>): string {
  if (kind === "charge_price") return priceText(value as ChargePriceValue);
  if (kind === "included_credits") return `${formatInteger((value as { credits: number }).credits)} credits a month`;
  if (kind === "trial_days") return `${formatInteger((value as { days: number }).days)}-day trial`;
  const v = value as FeatureValue;
  if ("value" in v) return typeof v.value === "boolean" ? (v.value ? "on" : "off") : formatInteger(v.value);
  return v.limit === null ? "unlimited" : `limit ${formatInteger(v.limit)} a month (${v.enforcement})`;
}

export const OVERRIDE_KIND_LABEL: Record<OverrideKind, string> = {
  charge_price: "Price",
  feature: "Feature",
  included_credits: "Included credits",
  trial_days: "Trial",
};
