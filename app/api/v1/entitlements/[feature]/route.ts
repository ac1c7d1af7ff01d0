import { isCustomer, NAME_THE_CUSTOMER } from "@/lib/auth/actor";
import { checkEntitlement } from "@/lib/entitlements/check-entitlement";
import { ZFeatureEntitlementJson } from "@/lib/entitlements/schemas";
import { invalidField } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZEntitlementJson, ZEntitlementParams, ZEntitlementQuery } from "@/lib/metering/schemas";
import { z } from "zod";

export const GET = route(
  {
    path: "/api/v1/entitlements/{feature}",
    auth: "any",
    params: ZEntitlementParams,
    query: ZEntitlementQuery,
    fast: true,
    doc: {
      tag: "Usage",
      response: z.union([ZEntitlementJson, ZFeatureEntitlementJson]),
      summary: "May the customer use this feature now? Metered: allowed, used, limit, remaining, resets_at",
      description:
        "A metered feature (its key is a meter's code): from the plan's limit on the meter and the rollups of the limit period (monthly plans: the current period; yearly plans: the month of the subscription's schedule). Hard limits: allowed while used + quantity ≤ limit. Soft limits are always allowed (usage beyond them is billed and alerted). No limit: allowed, unlimited. No live subscription: not allowed. A hard spending cap reached: not allowed (reason spending_cap). A boolean feature: allowed when granted true; a numeric one (seats): allowed when its value is at least `quantity` (default 1), with the value. Cheap enough to call before every request.",
      responses: { "200": "OK", "400": "Unknown feature", "404": "No such customer (or another customer's)" },
    },
  },
  async ({ actor, params, query }) => {
    // Not route()'s `customer` scope: the checks resolve the named customer in the same read as
    // the plan, and answer another customer's id with the documented 404, not a 403.
    const named = query.customer_id ?? query.external_customer_id;
    const own = isCustomer(actor) ? actor.orgId : null;
    if (!named && !own) throw invalidField("customer_id", NAME_THE_CUSTOMER);
    return checkEntitlement(named ?? own!, params.feature, { quantity: query.quantity, ownOrgId: own });
  },
);
