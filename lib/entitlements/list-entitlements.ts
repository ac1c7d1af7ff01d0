// GET /api/v1/entitlements?customer_id=…: every feature the customer has now, with its value and
// where it comes from: the plan version's (its boolean and numeric features, and its meter limits as
// metered features) with the live add-ons' added (lib/addons/grants); overrides join the same precedence.
import "server-only";
import { featureIndex } from "@/lib/catalog/features";
import { meterIndex } from "@/lib/metering/meters";
import { customerPlan, paused } from "./customer-plan";
import { resolveGrants, type Grant } from "./precedence";
import { featuresWithAddons, limitsWithAddons } from "@/lib/addons/grants";
import type { EntitlementItemJson, EntitlementListJson } from "./schemas";

export async function listEntitlements(
  customer: string,
  opts: { ownOrgId?: string | null; now?: Date },
): Promise<EntitlementListJson> {
  const now = opts.now ?? new Date();
  const [cp, features, meters] = await Promise.all([
    customerPlan(customer, { ownOrgId: opts.ownOrgId, now }),
    featureIndex(),
    meterIndex(),
  ]);
  const head = { object: "list" as const, customer_id: cp.orgId, external_customer_id: cp.externalId };
  if (!cp.plan) return { ...head, plan: null, subscription_status: null, access: "none", data: [] };
  // The plan's grants with the add-ons' added (lib/addons/grants); overrides would come after.
  const withAddons = limitsWithAddons(cp.plan.limits, cp.plan.addons);
  const limits = new Map(withAddons.map((l) => [l.meter, l]));
  const grants: Grant[] = [
    ...featuresWithAddons(cp.plan.features, cp.plan.addons),
    ...withAddons.map((l) => ({ feature: l.meter, value: l.limit, source: l.source })),
    // A metered feature the plan does not limit is granted without a limit.
    ...features.all
      .filter((f) => f.kind === "metered" && f.archivedAt === null && !limits.has(f.key))
      .map((f) => ({ feature: f.key, value: null, source: "plan" as const })),
  ];
  const data = resolveGrants(grants).flatMap((g): EntitlementItemJson[] => {
    const f = features.byKey.get(g.feature);
    const limit = limits.get(g.feature);
    const meter = meters.byCode.get(g.feature);
    if (limit || (f?.kind === "metered" && meter))
      return [
        {
          feature: g.feature,
          kind: "metered",
          name: f?.name ?? meter?.name ?? g.feature,
          unit: meter?.unit ?? null,
          value: g.value,
          enforcement: limit?.enforcement ?? null,
          source: g.source,
        },
      ];
    if (!f || f.kind === "metered") return [];
    return [
      { feature: f.key, kind: f.kind, name: f.name, unit: f.unit, value: g.value, enforcement: null, source: g.source },
    ];
  });
  const order = (key: string) => features.byKey.get(key)?.sortOrder ?? 0;
  data.sort((a, b) => order(a.feature) - order(b.feature) || a.feature.localeCompare(b.feature));
  return {
    ...head,
    plan: cp.plan.code,
    subscription_status: cp.plan.status,
    access: paused(cp.access) ? "paused" : "full",
    data,
  };
}
