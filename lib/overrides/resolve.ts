// What a customer's subscription actually gets at an instant: its plan version's terms, then the
// add-ons' (a layer another module supplies; none yet), then the operator's overrides in force —
// override beats add-on beats plan. Pure: the callers load the overrides (overrides.ts) with the
// read they already make, and rating, the entitlement checks, the upcoming invoice and the period
// invoice all come through here.
//
// When an override applies to a period (docs/overrides.md):
// - a usage charge's price: the override in force at the last instant of the stretch billed (the
//   period, or the plan segment when the plan changed in it) prices that stretch's whole usage — as
//   a price change on a metered Stripe price does. One that ended or was revoked before then does
//   not apply (one ending exactly at the period's end, "for November", does); one that starts
//   before then does, from the start of the stretch.
// - a feature's value or limit, included credits, trial days: the override in force at the instant
//   asked about (the check's now, the allocation window's start, the subscription's start).
import type { PlanFeatureGrant, PlanLimit } from "@/lib/db/schema";
import type { CustomerOverride, OverrideKind } from "@/lib/db/schema/overrides";
import type { Charge, UsageCharge } from "@/lib/rating";
import type { ChargePriceValue, FeatureValue } from "./schemas";

export type TermSource = "plan" | "add_on" | "override";

/** The terms of a plan version that a customer can be given differently. */
export type PlanTerms = {
  charges: Charge[];
  features: PlanFeatureGrant[];
  limits: PlanLimit[];
  includedCredits: number;
  trialDays: number;
};

/** Which layer each term came from; a term absent here is the plan's. Keys: `charge:<meter>`, `feature:<key>`, `included_credits`, `trial_days`. */
export type EffectiveTerms = PlanTerms & { sources: Record<string, TermSource> };

/**
 * A layer between the plan and the overrides (add-ons): given the terms so far, the terms with its
 * changes, their keys marked "add_on" in `sources`. The seam is here so the precedence stays in one place.
 */
export type TermsLayer = (terms: EffectiveTerms, at: Date) => EffectiveTerms;

export type OverrideRow = Pick<
  CustomerOverride,
  "id" | "kind" | "target" | "value" | "startsAt" | "endsAt" | "revokedAt" | "createdAt"
>;

/** The instant an override stops: its end, or its revoke if earlier. */
export const overrideUntil = (o: Pick<OverrideRow, "endsAt" | "revokedAt">): Date | null =>
  o.revokedAt && (!o.endsAt || o.revokedAt < o.endsAt) ? o.revokedAt : o.endsAt;

export const inForce = (o: OverrideRow, at: Date): boolean => {
  const until = overrideUntil(o);
  return o.startsAt <= at && (until === null || at < until);
};

export const termKey = (kind: OverrideKind, target: string) =>
  kind === "charge_price" ? `charge:${target}` : kind === "feature" ? `feature:${target}` : kind;

/** The overrides in force at `at`, one per term: the newest created wins where two overlap. */
export function overridesAt(overrides: readonly OverrideRow[], at: Date): Map<string, OverrideRow> {
  const out = new Map<string, OverrideRow>();
  for (const o of overrides) {
    if (!inForce(o, at)) continue;
    const key = termKey(o.kind, o.target);
    const held = out.get(key);
    if (!held || held.createdAt < o.createdAt || (held.createdAt.getTime() === o.createdAt.getTime() && held.id < o.id))
      out.set(key, o);
  }
  return out;
}

/** A charge with an override's price: the plan's name and usage billing kept, the price model and included units replaced. */
export function repriced(meter: string, base: UsageCharge | undefined, price: ChargePriceValue): UsageCharge {
  return {
    ...price,
    type: "usage",
    meter,
    ...(base?.name !== undefined && { name: base.name }),
    ...(base?.usage_billing !== undefined && { usage_billing: base.usage_billing }),
  } as UsageCharge;
}

/** `charges` with the usage charge on `meter` repriced (added when the plan does not price the meter); `mark` is appended to its name. */
export function withPrice(charges: Charge[], meter: string, price: ChargePriceValue, mark = ""): Charge[] {
  const i = charges.findIndex((c) => c.type === "usage" && c.meter === meter);
  const base = i >= 0 ? charges[i] : undefined;
  const next = repriced(meter, base?.type === "usage" ? base : undefined, price);
  if (mark) next.name = `${next.name ?? meter}${mark}`;
  // A meter the plan does not price gets the override's charge added.
  return i >= 0 ? charges.map((c, n) => (n === i ? next : c)) : [...charges, next];
}

function applyOverrides(terms: EffectiveTerms, overrides: Map<string, OverrideRow>): EffectiveTerms {
  if (overrides.size === 0) return terms;
  let { charges, features, limits, includedCredits, trialDays } = terms;
  const sources = { ...terms.sources };
  for (const [key, o] of overrides) {
    sources[key] = "override";
    if (o.kind === "charge_price") charges = withPrice(charges, o.target, o.value as ChargePriceValue);
    else if (o.kind === "feature") {
      const v = o.value as FeatureValue;
      if ("value" in v) {
        features = [...features.filter((f) => f.feature !== o.target), { feature: o.target, value: v.value }];
      } else {
        // A null limit is unlimited: the meter is not limited at all.
        limits = limits.filter((l) => l.meter !== o.target);
        if (v.limit !== null) limits = [...limits, { meter: o.target, limit: v.limit, enforcement: v.enforcement }];
      }
    } else if (o.kind === "included_credits") includedCredits = (o.value as { credits: number }).credits;
    else if (o.kind === "trial_days") trialDays = (o.value as { days: number }).days;
  }
  return { charges, features, limits, includedCredits, trialDays, sources };
}

/**
 * The terms in force at `at`: plan, then `addOns` (if given), then the overrides in force at `at`.
 * Without overrides in force and without add-ons the plan's own arrays come back unchanged.
 */
export function resolveTerms(
  plan: PlanTerms,
  overrides: readonly OverrideRow[],
  at: Date,
  layers: { addOns?: TermsLayer } = {},
): EffectiveTerms {
  const base: EffectiveTerms = {
    charges: plan.charges,
    features: plan.features,
    limits: plan.limits,
    includedCredits: plan.includedCredits,
    trialDays: plan.trialDays,
    sources: {},
  };
  const withAddOns = layers.addOns ? layers.addOns(base, at) : base;
  return applyOverrides(withAddOns, overridesAt(overrides, at));
}

/** The sources of the terms the overrides set, as the "custom" marks of a display: `charge:<meter>` → true. */
export const customKeys = (terms: EffectiveTerms): Set<string> =>
  new Set(Object.entries(terms.sources).flatMap(([k, s]) => (s === "override" ? [k] : [])));
