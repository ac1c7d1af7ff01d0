import { addonJson, createAddon, listAddons } from "@/lib/addons/catalog";
import { ZAddonCreate, ZAddonJson, ZAddonList, ZAddonPage } from "@/lib/addons/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";
import { created, route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/addons",
    auth: "any",
    query: ZAddonList,
    doc: { response: ZAddonPage, tag: "Catalog", summary: "List add-ons (archived ones with include_archived)" },
  },
  async ({ query }) => ({
    data: (await listAddons({ includeArchived: query.include_archived })).map(addonJson),
    next_cursor: null,
  }),
);

export const POST = route(
  {
    path: "/api/v1/addons",
    auth: "operator",
    body: ZAddonCreate,
    doc: {
      response: ZAddonJson,
      tag: "Catalog",
      summary: "Create an add-on",
      description:
        "An item a subscription holds on top of its plan: recurring (billed each period with the plan fee; its interval must be the plan's) or one_time (charged once per purchase). Per unit it grants features (numbers add to the plan's, booleans turn on), meter limits (added to the plan's) and credits (recurring: each month; one_time: once). `max_quantity` caps the units one subscription holds; `plan_codes` limits the plans it fits. Its terms are fixed once created: a new price is a new add-on.",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Code in use" },
    },
  },
  async ({ body }) => created(addonJson(await createAddon(body))),
);
