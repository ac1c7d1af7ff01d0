import { isOperator } from "@/lib/auth/actor";
import { createPlan, listPlans } from "@/lib/catalog/plans";
import { ZPlanCreate, ZPlanJson, ZPlanList, ZPlanPage } from "@/lib/catalog/schemas";
import { planJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const GET = route(
  {
    path: "/api/v1/plans",
    auth: "any",
    query: ZPlanList,
    doc: {
      response: ZPlanPage,
      tag: "Plans",
      summary: "Plans for sale, with their charges",
    },
  },
  async ({ actor, query }) => ({
    data: (
      await listPlans({ includeInactive: isOperator(actor) && query.include_inactive, interval: query.interval })
    ).map(planJson),
    next_cursor: null,
  }),
);

export const POST = route(
  {
    path: "/api/v1/plans",
    auth: "operator",
    body: ZPlanCreate,
    doc: {
      response: ZPlanJson,
      tag: "Plans",
      summary: "Create a plan with its charges",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Code exists" },
    },
  },
  async ({ body }) => created(planJson(await createPlan(body))),
);
