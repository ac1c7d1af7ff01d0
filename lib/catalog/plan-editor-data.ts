// What the admin's plan editor loads: the meters it offers (and which of them spend credits, for
// the per-charge usage billing choice) and an existing plan's values as the form holds them.
import "server-only";
import { listLinks } from "@/lib/credits/drawdown-links";
import type { Plan } from "@/lib/db/schema";
import { minorToDecimal } from "@/lib/money";
import { listFeatures } from "./features";
import { listMeters } from "./meters";
import { planBillingThreshold } from "./plan-billing-threshold";

export async function planEditorMeters() {
  const [meters, links] = await Promise.all([listMeters(), listLinks()]);
  const linked = new Set(links.map((l) => l.meter));
  return meters.map((m) => ({
    code: m.code,
    name: m.name,
    unit: m.unit,
    groupBy: m.groupBy,
    drawsCredits: linked.has(m.code),
  }));
}

/** The boolean and numeric features the editor offers (metered ones are set as limits). */
export async function planEditorFeatures() {
  return (await listFeatures()).flatMap((f) =>
    f.kind === "metered" ? [] : [{ key: f.key, name: f.name, kind: f.kind, unit: f.unit }],
  );
}

export async function planEditorInitial(plan: Plan) {
  const threshold = await planBillingThreshold(plan.id);
  return {
    id: plan.id,
    code: plan.code,
    tier: plan.tier,
    name: plan.name,
    description: plan.description,
    interval: plan.interval,
    currency: plan.currency,
    base_price: minorToDecimal(plan.basePriceCents, plan.currency),
    trial_days: plan.trialDays,
    included_credits: plan.includedCredits,
    self_serve: plan.selfServe,
    limits: plan.limits,
    features: plan.features,
    charges: plan.charges,
    billing_threshold: threshold === null ? null : minorToDecimal(threshold, plan.currency),
  };
}
