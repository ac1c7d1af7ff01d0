import { route } from "@/lib/http/route";
import { csvResponse } from "@/lib/revenue/csv-stream";
import { invoicesCsv } from "@/lib/revenue/exports";
import { ZExportQuery } from "@/lib/revenue/schemas";
import { CSV_STREAM } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/export/invoices.csv",
    auth: "operator",
    query: ZExportQuery,
    doc: {
      tag: "Admin",
      summary: "Invoices (optionally issued in a range), as CSV",
      description: CSV_STREAM,
      responses: { "200": "text/csv" },
    },
  },
  async ({ query }) => csvResponse("invoices.csv", invoicesCsv(query)),
);
