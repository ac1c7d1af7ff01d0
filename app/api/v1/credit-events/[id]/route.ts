import { updateCreditEvent } from "@/lib/catalog/credit-events";
import { ZCreditEventJson, ZCreditEventPatch } from "@/lib/catalog/schemas";
import { creditEventJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

/** `{id}` is the credit event's id or code. */
export const PATCH = route(
  {
    path: "/api/v1/credit-events/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZCreditEventPatch,
    doc: {
      response: ZCreditEventJson,
      tag: "Catalog",
      summary: "Change or deactivate a credit event (by id or code)",
      responses: { ...CATALOG_WRITE_ERRORS, "200": "OK", "404": "Not found" },
    },
  },
  async ({ params, body }) => creditEventJson(await updateCreditEvent(params.id, body)),
);
