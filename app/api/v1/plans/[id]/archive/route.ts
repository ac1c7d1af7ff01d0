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
      description:
        "Only the newest version of a plan can be archived. A draft was never on sale, so it cannot be archived (409): put it on sale, or leave it a draft.",
      responses: { "200": "OK", "404": "Not found", "409": "A draft, or not the newest version" },
    },
  },
  async ({ params }) => planJson(await archivePlan(params.id)),
);
