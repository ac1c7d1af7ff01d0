import { isCustomer, NAME_THE_CUSTOMER } from "@/lib/auth/actor";
import { invalidField } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { entitlement } from "@/lib/metering/entitlement";
import { ZEntitlementJson, ZEntitlementParams, ZEntitlementQuery } from "@/lib/metering/schemas";

export const GET = route(
  {
    path: "/api/v1/entitlements/{meter}",
    auth: "any",
    params: ZEntitlementParams,
    query: ZEntitlementQuery,
    fast: true,
    doc: {
      tag: "Usage",
      response: ZEntitlementJson,
      summary: "May the customer use more of this meter now? allowed, used, limit, remaining, resets_at",
      description:
        "From the plan's limit on the meter and the rollups of the limit period (monthly plans: the current period; yearly plans: the month of the subscription's schedule). Hard limits: allowed while used + quantity ≤ limit. Soft limits are always allowed (usage beyond them is billed and alerted). No limit: allowed, unlimited. No live subscription: not allowed. A hard spending cap reached: not allowed (reason spending_cap). Cheap enough to call before every request.",
      responses: { "200": "OK", "400": "Unknown meter", "404": "No such customer (or another customer's)" },
    },
  },
  async ({ actor, params, query }) => {
    // Not route()'s `customer` scope: entitlement() resolves the named customer in the same cached
    // read as the limit, and answers another customer's id with the documented 404, not a 403.
    const named = query.customer_id ?? query.external_customer_id;
    const own = isCustomer(actor) ? actor.orgId : null;
    if (!named && !own) throw invalidField("customer_id", NAME_THE_CUSTOMER);
    return entitlement(named ?? own!, params.meter, { quantity: query.quantity, ownOrgId: own });
  },
);
