import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";
import { getFeature, updateFeature } from "@/lib/catalog/features";
import { ZFeatureJson, ZFeaturePatch } from "@/lib/catalog/schemas";
import { featureJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const GET = route(
  {
    path: "/api/v1/features/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      response: ZFeatureJson,
      tag: "Catalog",
      summary: "A feature, by id or key",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ params }) => featureJson(await getFeature(params.id)),
);

export const PATCH = route(
  {
    path: "/api/v1/features/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZFeaturePatch,
    doc: {
      response: ZFeatureJson,
      tag: "Catalog",
      summary: "Rename, reorder or archive a feature",
      description:
        "The key and kind are fixed (clients check by key; plan versions hold values of that kind). An archived feature can be granted by no further plan; plans that grant it keep it.",
      responses: { ...CATALOG_WRITE_ERRORS, "200": "OK", "404": "Not found" },
    },
  },
  async ({ params, body }) => featureJson(await updateFeature(params.id, body)),
);
