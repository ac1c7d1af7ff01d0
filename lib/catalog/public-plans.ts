// The plans on sale as the public pricing page and GET /api/v1/public/plans show them: self-serve
// plans on sale (the newest version of each code), tiers cheapest first by their monthly price, with every feature any of them
// grants (boolean, numeric, and metered limits) so the page can compare them side by side.
import "server-only";
import { meterIndex } from "@/lib/metering/meters";
import { minorToDecimal } from "@/lib/money";
import { featureIndex } from "./features";
import { listPlans } from "./plans";
import type { PublicFeatureJson, PublicPlansJson } from "./public-schemas";

export async function publicPlans(): Promise<PublicPlansJson> {
  const [plans, features, meters] = await Promise.all([listPlans(), featureIndex(), meterIndex()]);
  const onSale = plans.filter((p) => p.selfServe);
  const rows = new Map<string, PublicFeatureJson & { order: number }>();
  for (const p of onSale) {
    for (const g of p.features) {
      const f = features.byKey.get(g.feature);
      if (f && !rows.has(f.key))
        rows.set(f.key, { key: f.key, name: f.name, kind: f.kind, unit: f.unit, order: f.sortOrder });
    }
    for (const l of p.limits) {
      const f = features.byKey.get(l.meter);
      const m = meters.byCode.get(l.meter);
      if (!rows.has(l.meter))
        rows.set(l.meter, {
          key: l.meter,
          name: f?.name ?? m?.name ?? l.meter,
          kind: "metered",
          unit: m?.unit ?? null,
          order: f?.sortOrder ?? 0,
        });
    }
  }
  const compared = [...rows.values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  // Tiers by their monthly price (a yearly-only tier by a twelfth of its yearly price, compared in
  // twelfths so no rounding enters); within a tier the monthly plan, then the yearly one beside it.
  const tierTwelfths = new Map<string, number>();
  for (const interval of ["month", "year"] as const)
    for (const p of onSale.filter((x) => x.interval === interval)) {
      const twelfths = interval === "month" ? p.basePriceCents * 12 : p.basePriceCents;
      const known = tierTwelfths.get(p.tier);
      if (interval === "month") tierTwelfths.set(p.tier, Math.min(known ?? twelfths, twelfths));
      else if (known === undefined) tierTwelfths.set(p.tier, twelfths);
    }
  const byTier = (p: (typeof onSale)[number]) => tierTwelfths.get(p.tier)!;
  const intervalRank = (p: (typeof onSale)[number]) => (p.interval === "month" ? 0 : 1);
  const data = [...onSale]
    .sort(
      (a, b) =>
        byTier(a) - byTier(b) ||
        a.tier.localeCompare(b.tier) ||
        intervalRank(a) - intervalRank(b) ||
        a.sortOrder - b.sortOrder ||
        a.code.localeCompare(b.code),
    )
    .map((p) => ({
      code: p.code,
      tier: p.tier,
      name: p.name,
      description: p.description,
      interval: p.interval,
      currency: p.currency,
      price: minorToDecimal(p.basePriceCents, p.currency),
      price_cents: p.basePriceCents,
      trial_days: p.trialDays,
      included_credits: p.includedCredits,
      features: compared.map((row) => {
        if (row.kind === "metered") {
          const limit = p.limits.find((l) => l.meter === row.key);
          return { feature: row.key, value: limit ? limit.limit : null };
        }
        const grant = p.features.find((g) => g.feature === row.key);
        return { feature: row.key, value: grant?.value ?? (row.kind === "boolean" ? false : null) };
      }),
    }));
  const intervals = (["month", "year"] as const).filter((i) => onSale.some((p) => p.interval === i));
  return {
    object: "list",
    intervals,
    features: compared.map(({ order: _order, ...f }) => f),
    data,
  };
}
