// GET /api/v1/entitlements/{feature}: a meter's code takes the metered check exactly as before
// (lib/metering/entitlement.ts; both lookups here are in-memory catalog reads, so the hot metered
// path gains no query); a boolean or numeric feature's key takes featureEntitlement.
import "server-only";
import { featureIndex } from "@/lib/catalog/features";
import { invalidField } from "@/lib/http/errors";
import { entitlement } from "@/lib/metering/entitlement";
import { meterIndex } from "@/lib/metering/meters";
import type { EntitlementJson } from "@/lib/metering/schemas";
import { featureEntitlement } from "./feature-entitlement";
import type { FeatureEntitlementJson } from "./schemas";

export async function checkEntitlement(
  customer: string,
  key: string,
  opts: { quantity?: number; ownOrgId?: string | null },
): Promise<EntitlementJson | FeatureEntitlementJson> {
  if ((await meterIndex()).byCode.has(key)) return entitlement(customer, key, opts);
  const feature = (await featureIndex()).byKey.get(key);
  if (feature && feature.kind !== "metered")
    return featureEntitlement(customer, { ...feature, kind: feature.kind }, opts);
  throw invalidField("feature", `no feature or meter has the key "${key}"`);
}
