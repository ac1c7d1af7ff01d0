import { addonJson, getAddon, updateAddon } from "@/lib/addons/catalog";
import { ZAddonJson, ZAddonPatch } from "@/lib/addons/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";

export const GET = route(
  {
    path: "/api/v1/addons/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      response: ZAddonJson,
      tag: "Catalog",
      summary: "An add-on, by id or code",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ params }) => addonJson(await getAddon(params.id)),
);

export const PATCH = route(
  {
    path: "/api/v1/addons/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZAddonPatch,
    doc: {
      response: ZAddonJson,
      tag: "Catalog",
      summary: "Rename or archive an add-on",
      description:
        "An archived add-on is sold no more; subscriptions that hold it keep it (and may lower or remove it).",
      responses: { ...CATALOG_WRITE_ERRORS, "200": "OK", "404": "Not found" },
    },
  },
  async ({ params, body }) => addonJson(await updateAddon(params.id, body)),
);
