import { getMeter, updateMeter } from "@/lib/catalog/meters";
import { ZMeterJson, ZMeterPatch } from "@/lib/catalog/schemas";
import { meterJson } from "@/lib/catalog/serialize";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const GET = route(
  {
    path: "/api/v1/meters/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      response: ZMeterJson,
      tag: "Catalog",
      summary: "A meter, by id or code",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ params }) => meterJson(await getMeter(params.id)),
);

export const PATCH = route(
  {
    path: "/api/v1/meters/{id}",
    auth: "operator",
    params: ZIdParams,
    body: ZMeterPatch,
    doc: {
      response: ZMeterJson,
      tag: "Catalog",
      summary: "Rename, change the unit of, or archive a meter",
      description:
        "Aggregation, property, filters and group-by shape the rollups written at ingest and cannot change: create a new meter instead. allow_negative cannot be turned on while the meter is priced in credits (a credit meter link): a negative correction would not give the credits back (400 naming allow_negative); archive the link first.",
      responses: { ...CATALOG_WRITE_ERRORS, "200": "OK", "404": "Not found" },
    },
  },
  async ({ params, body }) => meterJson(await updateMeter(params.id, body)),
);
