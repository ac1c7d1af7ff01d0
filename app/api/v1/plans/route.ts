import { isOperator } from "@/lib/auth/actor";
import { createPlan, listPlans } from "@/lib/catalog/plans";
import { ZPlanCreate, ZPlanList } from "@/lib/catalog/schemas";
import { planJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";

export const GET = route({ auth: "any", query: ZPlanList }, async ({ actor, query }) => ({
  data: (await listPlans({ includeInactive: isOperator(actor) && query.include_inactive, interval: query.interval })).map(planJson),
  next_cursor: null,
}));

export const POST = route({ auth: "operator", body: ZPlanCreate }, async ({ body }) => created(planJson(await createPlan(body))));
