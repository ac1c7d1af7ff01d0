import { route } from "@/lib/http/route";
import { readDb } from "@/lib/db/read-replica";
import { ZRevenueSeriesJson, ZSeriesQuery } from "@/lib/revenue/schemas";
import { revenueSeries, seriesJson } from "@/lib/revenue/series";
import { REVENUE_DEFINITIONS } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/revenue/series",
    auth: "operator",
    query: ZSeriesQuery,
    doc: {
      tag: "Admin",
      response: ZRevenueSeriesJson,
      summary:
        "Per month: MRR, new, expansion, contraction, churned and reactivation MRR, logo and revenue churn, net revenue retention, and the non-recurring revenue beside it",
      description: `Recomputed from the subscription history, so any past month can be asked for (at most 60 at a time). ${REVENUE_DEFINITIONS}`,
      responses: { "200": "OK", "400": "Invalid month range" },
    },
  },
  async ({ query }) => seriesJson(await revenueSeries(query, readDb())),
);
