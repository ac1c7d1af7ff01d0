// The add-on layer of entitlements, in one place: what a subscription's plan grants with its live
// add-ons on top. Numeric features sum (plan 5 seats + 2 × "extra seat" = 7), booleans OR, metered
// limits add (a meter the plan leaves unlimited stays unlimited). A value an add-on changed carries
// the source "add_on", so an operator's override (lib/entitlements/precedence.ts) still beats it
// when it is applied after this. Pure: the entitlement reads hand it what they loaded.
import type { AddonLimit, PlanFeatureGrant, PlanLimit } from "@/lib/db/schema";
import type { TermsLayer } from "@/lib/overrides/resolve";
import type { Grant } from "@/lib/entitlements/precedence";

/** A live add-on of a subscription: its per-unit grants and how many units are held. */
export type HeldAddon = { quantity: number; features: PlanFeatureGrant[]; limits: AddonLimit[] };

type Granted = { value: boolean | number; source: "plan" | "add_on" };

/** The plan's boolean and numeric features with the add-ons' added, each with where its value comes from. */
export function featuresWithAddons(planFeatures: readonly PlanFeatureGrant[], held: readonly HeldAddon[]): Grant[] {
  const out = new Map<string, Granted>(planFeatures.map((g) => [g.feature, { value: g.value, source: "plan" }]));
  for (const a of held)
    for (const g of a.features) {
      const had = out.get(g.feature)?.value;
      const value =
        typeof g.value === "number"
          ? (typeof had === "number" ? had : 0) + g.value * a.quantity
          : had === true || g.value;
      // An add-on that grants `false`, or 0 seats, changes nothing: the plan's value keeps its source.
      if (had !== undefined && value === had) continue;
      out.set(g.feature, { value, source: "add_on" });
    }
  return [...out].map(([feature, g]) => ({ feature, ...g }));
}

/** The plan's meter limits with the add-ons' added, and which of them an add-on raised. */
export function limitsWithAddons(
  planLimits: readonly PlanLimit[],
  held: readonly HeldAddon[],
): (PlanLimit & { source: "plan" | "add_on" })[] {
  return planLimits.map((l) => {
    const extra = held.reduce(
      (sum, a) => sum + a.limits.filter((x) => x.meter === l.meter).reduce((s, x) => s + x.limit, 0) * a.quantity,
      0,
    );
    return extra > 0 ? { ...l, limit: l.limit + extra, source: "add_on" } : { ...l, source: "plan" };
  });
}

/** Add-ons as the entitlement reads return them (a JSON aggregate; a string on drivers that do not parse it). */
export const parseHeld = (v: HeldAddon[] | string | null | undefined): HeldAddon[] =>
  typeof v === "string" ? (JSON.parse(v) as HeldAddon[]) : (v ?? []);

/**
 * The add-on layer of a customer's terms, between the plan and the overrides
 * (lib/overrides/resolve.ts `resolveTerms(…, { addOns })`): numbers sum, booleans OR, metered limits
 * add; each grant an add-on changed is marked "add_on" in the terms' sources.
 */
export function addOnTermsLayer(held: readonly HeldAddon[]): TermsLayer {
  return (terms) => {
    if (held.length === 0) return terms;
    const sources = { ...terms.sources };
    const features = featuresWithAddons(terms.features, held).flatMap(({ source, feature, value }) => {
      if (value === null) return []; // plans grant no null value; a Grant may carry one
      if (source === "add_on") sources[`feature:${feature}`] = "add_on";
      return [{ feature, value }];
    });
    const limits = limitsWithAddons(terms.limits, held).map(({ source, ...l }) => {
      if (source === "add_on") sources[`feature:${l.meter}`] = "add_on";
      return l;
    });
    return { ...terms, features, limits, sources };
  };
}
