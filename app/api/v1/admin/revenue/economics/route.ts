import { route } from "@/lib/http/route";
import { readDb } from "@/lib/db/read-replica";
import { economicsJson, revenueEconomics } from "@/lib/revenue/economics";
import { ZEconomicsJson, ZEconomicsQuery } from "@/lib/revenue/schemas";
import { REVENUE_DEFINITIONS } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/revenue/economics",
    auth: "operator",
    query: ZEconomicsQuery,
    doc: {
      tag: "Admin",
      response: ZEconomicsJson,
      summary:
        "Credit and usage economics of a month: credit pack revenue, deferred revenue, breakage, credits granted vs consumed per tier, usage revenue, provider cost and margin per tier and per customer",
      description: REVENUE_DEFINITIONS,
    },
  },
  async ({ query }) => economicsJson(await revenueEconomics(query, readDb())),
);
