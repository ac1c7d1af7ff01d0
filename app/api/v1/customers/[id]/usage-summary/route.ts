import { isCustomer } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { ZUsageSummaryQuery } from "@/lib/metering/schemas";
import { usageSummary } from "@/lib/metering/usage-summary";
import { findOrganizationByRef } from "@/lib/orgs/organizations";

/** `{id}` is Tally's id or the customer's external_id. */
export const GET = route({ auth: "any", params: ZIdParams, query: ZUsageSummaryQuery }, async ({ actor, params, query }) => {
  const org = await findOrganizationByRef(params.id);
  if (!org || (isCustomer(actor) && org.id !== actor.orgId)) throw notFound("Customer");
  return usageSummary(org, query);
});
