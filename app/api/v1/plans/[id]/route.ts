import { getPlan, updatePlan } from "@/lib/catalog/plans";
import { ZPlanChangeJson, ZPlanJson, ZPlanPatch } from "@/lib/catalog/schemas";
import { planJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";
import { republishAfterChange, stripePublishJson } from "@/lib/catalog/publish-plan";

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
        "Names, description, order and the active flag change in place. Any billing term (price, interval, currency, trial, included credits, limits, charges) creates a new version; subscriptions and calls keep the version they were made with. A plan published to Stripe is published again at once, as the admin editor does (its new version gets a new price, the old one archived); `stripe_publish` says what Stripe was told. When Stripe cannot be reached the change is kept all the same and `stripe_status` says out_of_step until POST /api/v1/plans/{id}/publish.",
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
    const { plan, stripe } = await republishAfterChange(change.plan);
    return { ...planJson(plan), new_version: change.newVersion, stripe_publish: stripePublishJson(stripe) };
  },
);
