import { importPlans, ZPlanImport } from "@/lib/catalog/import-plans";
import { ZPlanImportReportJson } from "@/lib/catalog/schemas";
import { route } from "@/lib/http/route";

export const POST = route(
  {
    path: "/api/v1/plans/import",
    auth: "operator",
    body: ZPlanImport,
    maxBodyBytes: 4 * 1024 * 1024,
    doc: {
      tag: "Plans",
      response: ZPlanImportReportJson,
      summary: "Import FlexPrice-style plan JSON",
      description:
        "Usage charges (`usage_metric`, `rate`) become per-unit charges on that meter; fixed charges keep their `amount`. Upserted by the plan's source `id`: the same import again changes nothing; a changed price makes a new version. All or nothing.",
      responses: {
        "200": "{synced_count, plan_ids, created, updated, versioned, unchanged}",
        "400": "Invalid field (e.g. plans.0.charges.0.usage_metric names no meter)",
      },
    },
  },
  async ({ body }) => importPlans(body),
);
