import { route } from "@/lib/http/route";
import { ZBillingStatsJson, ZStatsQuery } from "@/lib/revenue/schemas";
import { billingStats, billingStatsJson } from "@/lib/revenue/stats";
import { REVENUE_DEFINITIONS } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/billing/stats",
    auth: "operator",
    query: ZStatsQuery,
    doc: {
      tag: "Admin",
      response: ZBillingStatsJson,
      summary:
        "Customers, subscriptions by status, MRR, ARR, ARPU and the tier breakdown (count and MRR per tier), now",
      description: `From Tally's own subscriptions, never by listing Stripe. Yearly plans count one twelfth a month; trialing counts zero; discounts reduce MRR; past due stays in MRR until canceled; usage charges are not MRR. ${REVENUE_DEFINITIONS}`,
    },
  },
  async ({ query }) => billingStatsJson(await billingStats({ currency: query.currency })),
);
