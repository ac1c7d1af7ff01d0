import { route } from "@/lib/http/route";
import { billingUsage } from "@/lib/metering/billing-usage";
import { ZBillingUsageJson, ZBillingUsageQuery } from "@/lib/metering/schemas";
import { getOrganization } from "@/lib/orgs/organizations";

export const GET = route(
  {
    path: "/api/v1/billing/usage",
    auth: "any",
    query: ZBillingUsageQuery,
    customer: "query",
    fast: true,
    doc: {
      tag: "Usage",
      response: ZBillingUsageJson,
      summary:
        "Today and this month per meter: included, used, remaining, overage, overage cost, price per 1k; credits",
      description:
        "\"This month\" is the plan-limit period (the subscription's current period for monthly plans, the month of its schedule for yearly ones). Per meter: `included` (free units: included_quantity and a free first tier, else the plan limit), `used`, `remaining`, `overage`, `overage_cost` (the month's usage rated by the plan) and `price_per_1k` (what the next 1,000 units cost; null for price-per-group charges). Credits: `included` is the plan's included credits; until the credits ledger is merged, `used` is usage-based — the month's usage charges expressed in credits at the smallest credit pack's price per credit — and `source` says \"usage\".",
    },
  },
  async ({ customerId }) => billingUsage(await getOrganization(customerId)),
);
