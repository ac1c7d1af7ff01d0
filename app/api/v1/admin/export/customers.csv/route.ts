import { route } from "@/lib/http/route";
import { csvResponse } from "@/lib/revenue/csv-stream";
import { customersCsv } from "@/lib/revenue/exports";
import { CSV_STREAM } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/export/customers.csv",
    auth: "operator",
    doc: {
      tag: "Admin",
      summary: "Every customer with plan, status, MRR and credit balance, as CSV",
      description: CSV_STREAM,
      responses: { "200": "text/csv" },
    },
  },
  async () => csvResponse("customers.csv", customersCsv()),
);
