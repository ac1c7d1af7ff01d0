import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { createTaxRate, listTaxRates, taxRateJson } from "@/lib/tax/rates";
import { ZTaxRateCreate, ZTaxRateJson, ZTaxRatePage } from "@/lib/tax/schemas";

export const GET = route(
  {
    path: "/api/v1/tax-rates",
    auth: "operator",
    doc: { response: ZTaxRatePage, tag: "Taxes", summary: "List tax rates, active first, by country and region" },
  },
  async () => ({ data: (await listTaxRates()).map(taxRateJson), next_cursor: null }),
);

export const POST = route(
  {
    path: "/api/v1/tax-rates",
    auth: "operator",
    body: ZTaxRateCreate,
    idempotent: "optional-key",
    doc: {
      response: ZTaxRateJson,
      tag: "Taxes",
      summary: "Create a tax rate for a country (and optionally a region)",
      description:
        '`percentage` is an exact decimal ("20", "8.875"); `inclusive` rates are already in the prices (the net is backed out of them), exclusive ones are added on top. Applied to invoices issued from now on when the invoicing settings\' `tax_mode` is `tally_rates`; a jurisdiction has one active rate (409 otherwise: archive the old one first). ' +
        IDEMPOTENCY_KEY_DOC,
      responses: { "201": "Created", "400": "Invalid field", "409": "The jurisdiction has an active rate" },
    },
  },
  async ({ body, idempotencyKey: key }) =>
    idempotentCall(key ? { orgId: null, scope: "tax-rates.create", key, request: body } : null, async () => ({
      status: 201,
      body: taxRateJson(await createTaxRate(body)),
    })),
);
