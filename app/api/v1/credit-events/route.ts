import { createCreditEvent, listCreditEvents } from "@/lib/catalog/credit-events";
import { ZCreditEventCreate, ZCreditEventJson, ZCreditEventPage } from "@/lib/catalog/schemas";
import { creditEventJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const GET = route(
  {
    path: "/api/v1/credit-events",
    auth: "any",
    doc: {
      response: ZCreditEventPage,
      tag: "Catalog",
      summary: "Credit events and their credit cost",
    },
  },
  async () => ({ data: (await listCreditEvents()).map(creditEventJson), next_cursor: null }),
);

export const POST = route(
  {
    path: "/api/v1/credit-events",
    auth: "operator",
    body: ZCreditEventCreate,
    doc: {
      response: ZCreditEventJson,
      tag: "Catalog",
      summary: "Create a credit event",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Code exists" },
    },
  },
  async ({ body }) => created(creditEventJson(await createCreditEvent(body))),
);
