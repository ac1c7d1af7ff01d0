import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";
import { createFeature, listFeatures } from "@/lib/catalog/features";
import { ZFeatureCreate, ZFeatureJson, ZFeatureList, ZFeaturePage } from "@/lib/catalog/schemas";
import { featureJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/features",
    auth: "any",
    query: ZFeatureList,
    doc: { response: ZFeaturePage, tag: "Catalog", summary: "List features (archived ones with include_archived)" },
  },
  async ({ query }) => ({
    data: (await listFeatures({ includeArchived: query.include_archived })).map(featureJson),
    next_cursor: null,
  }),
);

export const POST = route(
  {
    path: "/api/v1/features",
    auth: "operator",
    body: ZFeatureCreate,
    doc: {
      response: ZFeatureJson,
      tag: "Catalog",
      summary: "Create a feature",
      description:
        "kind boolean (on or off, such as SSO), numeric (a number, such as seats) or metered (its key is a meter's code; a plan's value for it is the plan's limit on that meter). Plans grant boolean and numeric features with values (`features` on the plan).",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Key in use" },
    },
  },
  async ({ body }) => created(featureJson(await createFeature(body))),
);
