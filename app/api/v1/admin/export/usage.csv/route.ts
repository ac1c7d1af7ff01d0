import { route } from "@/lib/http/route";
import { csvResponse } from "@/lib/revenue/csv-stream";
import { usageCsv } from "@/lib/revenue/exports";
import { ZExportQuery } from "@/lib/revenue/schemas";
import { CSV_STREAM } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/export/usage.csv",
    auth: "operator",
    query: ZExportQuery,
    doc: {
      tag: "Admin",
      summary:
        "Usage per customer, meter, UTC hour and group (optionally in a range), as CSV: count, sum, max and latest from the rollups, then distinct values per hour for unique-count meters",
      description: CSV_STREAM,
      responses: { "200": "text/csv" },
    },
  },
  async ({ query }) => csvResponse("usage.csv", await usageCsv(query)),
);
