import { formatInteger, formatUnitPrice } from "@/lib/format";
import type { Charge, Tier } from "@/lib/rating/types";

const n = (x: number | string) => formatInteger(Number(x));

function tiers(list: Tier[], currency: string): string {
  let from = 1;
  return list
    .map((t) => {
      const range = t.up_to === null ? `${n(from)}+` : `${n(from)}–${n(t.up_to)}`;
      if (t.up_to !== null) from = t.up_to + 1;
      return `${range}: ${formatUnitPrice(t.unit_price, currency, "unit")}${t.flat_amount ? ` + ${formatUnitPrice(t.flat_amount, currency, "tier")} flat` : ""}`;
    })
    .join(" · ");
}

/** One line that says what a charge costs, in words. */
export function describeCharge(c: Charge, currency: string): string {
  if (c.type === "fixed") return formatUnitPrice(c.amount, currency, "period");
  const free =
    c.included_quantity && Number(c.included_quantity) > 0 ? `, first ${n(c.included_quantity)} included` : "";
  switch (c.model) {
    case "per_unit":
      return `${formatUnitPrice(c.unit_price, currency, "unit")}${free}`;
    case "package":
      return `${formatUnitPrice(c.package_price, currency, `${n(c.package_size)} units`)} (partial packages round up)${free}`;
    case "graduated":
      return `Graduated — ${tiers(c.tiers, currency)}${free}`;
    case "volume":
      return `Volume — ${tiers(c.tiers, currency)}${free}`;
    case "group":
      return `By ${c.group_by} — ${Object.entries(c.prices)
        .map(([k, v]) => `${k}: ${formatUnitPrice(v, currency, "unit")}`)
        .join(" · ")}${free}`;
  }
}

export function ChargeList({ charges, currency }: { charges: Charge[]; currency: string }) {
  if (charges.length === 0) return <p className="text-sm text-zinc-500">Base price only.</p>;
  return (
    <ul className="space-y-1.5 text-sm">
      {charges.map((c, i) => (
        <li key={i}>
          <span className="font-medium text-zinc-900">{c.type === "fixed" ? c.name : (c.name ?? c.meter)}</span>
          {c.type === "usage" && <span className="ml-1 font-mono text-xs text-zinc-500">{c.meter}</span>}
          <span className="block text-zinc-600">{describeCharge(c, currency)}</span>
        </li>
      ))}
    </ul>
  );
}

/** A few words per charge, for lists. */
export function shortCharge(c: Charge, currency: string): string {
  if (c.type === "fixed") return `${c.name}: ${formatUnitPrice(c.amount, currency, "period")}`;
  const label = c.name ?? c.meter;
  switch (c.model) {
    case "per_unit":
      return `${label}: ${formatUnitPrice(c.unit_price, currency, "unit")}`;
    case "package":
      return `${label}: ${formatUnitPrice(c.package_price, currency, `${n(c.package_size)} units`)}`;
    case "graduated":
    case "volume":
      return `${label}: ${c.model}, ${c.tiers.length} tiers`;
    case "group":
      return `${label}: by ${c.group_by}, ${Object.keys(c.prices).length} prices`;
  }
}
