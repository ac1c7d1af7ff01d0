import { isOperator } from "@/lib/auth/actor";
import { createCreditProduct, listCreditProducts } from "@/lib/catalog/credit-events";
import { ZCreditProductCreate, ZCreditProductJson, ZCreditProductPage } from "@/lib/catalog/schemas";
import { creditProductJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";
import { z } from "zod";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

const ZList = z.object({ include_inactive: z.enum(["true", "false"]).optional() });

export const GET = route(
  {
    path: "/api/v1/credit-products",
    auth: "any",
    query: ZList,
    doc: {
      response: ZCreditProductPage,
      tag: "Catalog",
      summary: "Credit packs for sale",
    },
  },
  async ({ actor, query }) => ({
    data: (await listCreditProducts({ includeInactive: isOperator(actor) && query.include_inactive === "true" })).map(
      creditProductJson,
    ),
    next_cursor: null,
  }),
);

export const POST = route(
  {
    path: "/api/v1/credit-products",
    auth: "operator",
    body: ZCreditProductCreate,
    doc: {
      response: ZCreditProductJson,
      tag: "Catalog",
      summary: "Create a credit pack",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Code exists" },
    },
  },
  async ({ body }) => created(creditProductJson(await createCreditProduct(body))),
);
