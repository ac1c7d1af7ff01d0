import { isCustomer } from "@/lib/auth/actor";
import { invalidField } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { entitlement } from "@/lib/metering/entitlement";
import { ZEntitlementParams, ZEntitlementQuery } from "@/lib/metering/schemas";

export const GET = route({ auth: "any", params: ZEntitlementParams, query: ZEntitlementQuery }, async ({ actor, params, query }) => {
  const named = query.customer_id ?? query.external_customer_id;
  const own = isCustomer(actor) ? actor.orgId : null;
  if (!named && !own) throw invalidField("customer_id", "required: name the customer (Tally id or external id)");
  return entitlement(named ?? own!, params.meter, { quantity: query.quantity, ownOrgId: own });
});
