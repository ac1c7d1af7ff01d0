import { getPlan, updatePlan } from "@/lib/catalog/plans";
import { ZPlanChangeJson, ZPlanJson, ZPlanPatch } from "@/lib/catalog/schemas";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const GET = route(
  {
    path: "/api/v1/plans/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      response: ZPlanJson,
      tag: "Plans",
      summary: "A plan version",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ params }) => planJson(await getPlan(params.id)),
);

/** A change to billing terms answers the new version (its own id, version + 1). */
export const PATCH = route(
  {
    path: "/api/v1/plans/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZPlanPatch,
    doc: {
      response: ZPlanChangeJson,
      tag: "Plans",
      summary: "Change a plan",
      description:
        "Names, description, order and the active flag change in place. Any billing term (price, interval, currency, trial, included credits, limits, charges) creates a new version; subscriptions and calls keep the version they were made with.",
      responses: {
        ...CATALOG_WRITE_ERRORS,
        "200": "OK (new_version tells whether a version was made)",
        "404": "Not found",
        "409": "Not the newest version",
      },
    },
  },
  async ({ params, body }) => {
    const change = await updatePlan(params.id, body);
    return { ...planJson(change.plan), new_version: change.newVersion };
  },
);
