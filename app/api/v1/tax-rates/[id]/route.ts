import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { taxRateJson, updateTaxRate } from "@/lib/tax/rates";
import { ZTaxRateJson, ZTaxRatePatch } from "@/lib/tax/schemas";

export const PATCH = route(
  {
    path: "/api/v1/tax-rates/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZTaxRatePatch,
    doc: {
      response: ZTaxRateJson,
      tag: "Taxes",
      summary: "Archive (active false), bring back or rename a tax rate",
      description:
        "Rates are never deleted: invoices already issued keep the rate they were issued with. A rate's percentage never changes — archive it and create another. Sending the same state twice changes nothing.",
      responses: {
        "200": "OK",
        "400": "Invalid field",
        "404": "Not found",
        "409": "The jurisdiction has another active rate",
      },
    },
  },
  async ({ params, body }) => taxRateJson(await updateTaxRate(params.id, body)),
);
