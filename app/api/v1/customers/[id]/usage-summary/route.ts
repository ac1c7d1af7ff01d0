import { isCustomer } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { ZUsageSummaryJson, ZUsageSummaryQuery } from "@/lib/metering/schemas";
import { usageSummary } from "@/lib/metering/usage-summary";
import { findOrganizationByRef } from "@/lib/orgs/organizations";

/** `{id}` is Tally's id or the customer's external_id. */
export const GET = route(
  {
    path: "/api/v1/customers/{id}/usage-summary",
    auth: "any",
    params: ZIdParams,
    query: ZUsageSummaryQuery,
    fast: true,
    doc: {
      tag: "Usage",
      response: ZUsageSummaryJson,
      summary: "Total usage and its cost per meter for a period (default: the current billing period)",
      description:
        "Priced with the rating engine against the customer's current plan: per meter the quantity (per group for price-per-group charges), the exact amount and amount_cents, the rated lines; fixed charges; the exact total and total_amount_cents (rounded half-up once). `{id}` is Tally's id or the external id.",
      responses: { "200": "OK", "404": "No such customer (or another customer's)" },
    },
  },
  async ({ actor, params, query }) => {
    const org = await findOrganizationByRef(params.id);
    if (!org || (isCustomer(actor) && org.id !== actor.orgId)) throw notFound("Customer");
    return usageSummary(org, query);
  },
);
