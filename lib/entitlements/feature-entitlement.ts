// GET /api/v1/entitlements/{feature} for a boolean or numeric feature: the feature from the
// in-memory catalog, then one read of the customer's live plan version (customer-plan.ts). A
// boolean is allowed when granted true; a numeric when its value covers the quantity asked about
// (default 1: "is at least one seat granted"). Metered features keep the metered check
// (lib/metering/entitlement.ts), which is asked first and untouched by this path.
import "server-only";
import type { Feature } from "@/lib/db/schema";
import { customerPlan, paused } from "./customer-plan";
import { resolveGrants } from "./precedence";
import { featuresWithAddons } from "@/lib/addons/grants";
import type { FeatureEntitlementJson } from "./schemas";

export async function featureEntitlement(
  customer: string,
  feature: Feature & { kind: "boolean" | "numeric" },
  opts: { quantity?: number; ownOrgId?: string | null; now?: Date },
): Promise<FeatureEntitlementJson> {
  const now = opts.now ?? new Date();
  const cp = await customerPlan(customer, { ownOrgId: opts.ownOrgId, now });
  const base = {
    customer_id: cp.orgId,
    external_customer_id: cp.externalId,
    feature: feature.key,
    kind: feature.kind,
    name: feature.name,
    unit: feature.unit,
  };
  if (!cp.plan) return { ...base, allowed: false, reason: "no_subscription", value: null, source: null, plan: null };
  const grant = resolveGrants(
    featuresWithAddons(
      cp.plan.features.filter((g) => g.feature === feature.key),
      cp.plan.addons.map((a) => ({ ...a, features: a.features.filter((g) => g.feature === feature.key) })),
    ),
  )[0];
  const value =
    grant && typeof grant.value === (feature.kind === "boolean" ? "boolean" : "number") ? grant.value : null;
  const granted = { ...base, value, source: value === null ? null : grant!.source, plan: cp.plan.code };
  if (paused(cp.access))
    return {
      ...granted,
      allowed: false,
      reason: cp.plan.status === "incomplete" ? "payment_pending" : "payment_overdue",
      message: cp.access.message,
    };
  if (value === null || value === false || value === 0) return { ...granted, allowed: false, reason: "not_granted" };
  if (typeof value === "number" && value < (opts.quantity ?? 1))
    return { ...granted, allowed: false, reason: "below_quantity" };
  return { ...granted, allowed: true, reason: "granted" };
}
