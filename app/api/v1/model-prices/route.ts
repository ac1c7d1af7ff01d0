import { createModelPrice, listModelPrices } from "@/lib/catalog/model-prices";
import { ZModelPriceCreate, ZModelPriceJson, ZModelPricePage } from "@/lib/catalog/schemas";
import { modelPriceJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const GET = route(
  {
    path: "/api/v1/model-prices",
    auth: "any",
    doc: {
      response: ZModelPricePage,
      tag: "Catalog",
      summary: "Provider prices per token, by model and date",
    },
  },
  async () => ({ data: (await listModelPrices()).map(modelPriceJson), next_cursor: null }),
);

export const POST = route(
  {
    path: "/api/v1/model-prices",
    auth: "operator",
    body: ZModelPriceCreate,
    doc: {
      response: ZModelPriceJson,
      tag: "Catalog",
      summary: "Record a provider's price for a model from a date",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Already priced from that date" },
    },
  },
  async ({ body }) => created(modelPriceJson(await createModelPrice(body))),
);
