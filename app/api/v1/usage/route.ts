import { route } from "@/lib/http/route";
import { customerUsage, customerUsageJson } from "@/lib/metering/customer-usage";
import { ZUsageQuery } from "@/lib/metering/schemas";
import { scopeCustomer } from "@/lib/metering/scope";

export const GET = route({ auth: "any", query: ZUsageQuery }, async ({ actor, query }) => {
  const org = await scopeCustomer(actor, query);
  return customerUsageJson(org, await customerUsage(org, query));
});
