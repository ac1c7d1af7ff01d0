import { updateCreditProduct } from "@/lib/catalog/credit-events";
import { ZCreditProductJson, ZCreditProductPatch } from "@/lib/catalog/schemas";
import { creditProductJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const PATCH = route(
  {
    path: "/api/v1/credit-products/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZCreditProductPatch,
    doc: {
      response: ZCreditProductJson,
      tag: "Catalog",
      summary: "Rename or take a credit pack off sale",
      responses: { ...CATALOG_WRITE_ERRORS, "200": "OK", "404": "Not found" },
    },
  },
  async ({ params, body }) => creditProductJson(await updateCreditProduct(params.id, body)),
);
