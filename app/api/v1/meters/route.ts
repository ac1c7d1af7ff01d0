import { createMeter, listMeters } from "@/lib/catalog/meters";
import { ZMeterCreate, ZMeterJson, ZMeterPage } from "@/lib/catalog/schemas";
import { meterJson } from "@/lib/catalog/serialize";
import { created, route } from "@/lib/http/route";
import { CATALOG_WRITE_ERRORS } from "@/lib/catalog/doc-text";

export const GET = route(
  {
    path: "/api/v1/meters",
    auth: "any",
    doc: {
      response: ZMeterPage,
      tag: "Catalog",
      summary: "List meters",
    },
  },
  async () => ({ data: (await listMeters()).map(meterJson), next_cursor: null }),
);

export const POST = route(
  {
    path: "/api/v1/meters",
    auth: "operator",
    body: ZMeterCreate,
    doc: {
      response: ZMeterJson,
      tag: "Catalog",
      summary: "Create a meter",
      responses: { ...CATALOG_WRITE_ERRORS, "201": "Created", "409": "Code in use" },
    },
  },
  async ({ body }) => created(meterJson(await createMeter(body))),
);
