import { publicPlans } from "@/lib/catalog/public-plans";
import { ZPublicPlansJson } from "@/lib/catalog/public-schemas";
import { json, route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/public/plans",
    auth: "public",
    doc: {
      tag: "Catalog",
      response: ZPublicPlansJson,
      summary: "The plans on sale, for a pricing page (no credentials)",
      description:
        "Self-serve plans on sale (the newest version of each), cheapest first, with their prices and the features they grant, compared row by row. Plans are named by code, never by internal id. Cacheable for a minute.",
    },
  },
  async () => json(await publicPlans(), 200, { "cache-control": "public, max-age=60, stale-while-revalidate=300" }),
);
