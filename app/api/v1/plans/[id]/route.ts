import { getPlan, updatePlan } from "@/lib/catalog/plans";
import { ZPlanPatch } from "@/lib/catalog/schemas";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const GET = route({ auth: "any", params: ZIdParams }, async ({ params }) => planJson(await getPlan(params.id)));

/** A change to billing terms answers the new version (its own id, version + 1). */
export const PATCH = route({ auth: "operator", params: ZIdParams, body: ZPlanPatch }, async ({ params, body }) => {
  const change = await updatePlan(params.id, body);
  return { ...planJson(change.plan), new_version: change.newVersion };
});
