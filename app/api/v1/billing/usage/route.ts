import { route } from "@/lib/http/route";
import { billingUsage } from "@/lib/metering/billing-usage";
import { ZBillingUsageQuery } from "@/lib/metering/schemas";
import { scopeCustomer } from "@/lib/metering/scope";

export const GET = route({ auth: "any", query: ZBillingUsageQuery }, async ({ actor, query }) => billingUsage(await scopeCustomer(actor, query)));
