import { ZPlanJson } from "@/lib/catalog/schemas";
import { archivePlan } from "@/lib/catalog/plans";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const POST = route(
  {
    path: "/api/v1/plans/{id}/archive",
    auth: "operator",
    params: ZIdParams,
    doc: {
      response: ZPlanJson,
      tag: "Plans",
      summary: "Take a plan off sale (subscribers keep it)",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ params }) => planJson(await archivePlan(params.id)),
);
