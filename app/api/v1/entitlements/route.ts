import { isCustomer, NAME_THE_CUSTOMER } from "@/lib/auth/actor";
import { listEntitlements } from "@/lib/entitlements/list-entitlements";
import { ZEntitlementListJson, ZEntitlementListQuery } from "@/lib/entitlements/schemas";
import { invalidField } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/entitlements",
    auth: "any",
    query: ZEntitlementListQuery,
    doc: {
      tag: "Usage",
      response: ZEntitlementListJson,
      summary: "Every feature the customer has now, with its value and source",
      description:
        "From the plan version of the customer's live subscription: boolean and numeric features with their values, and metered features (a meter's code) with the plan's limit (null: unlimited). `source` says where a value comes from; when several grant one feature, override beats add_on beats plan. No live subscription: an empty list with access none. A customer's key reads its own only.",
      responses: { "200": "OK", "400": "No customer named", "404": "No such customer (or another customer's)" },
    },
  },
  async ({ actor, query }) => {
    const named = query.customer_id ?? query.external_customer_id;
    const own = isCustomer(actor) ? actor.orgId : null;
    if (!named && !own) throw invalidField("customer_id", NAME_THE_CUSTOMER);
    return listEntitlements(named ?? own!, { ownOrgId: own });
  },
);
