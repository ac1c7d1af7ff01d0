import { route } from "@/lib/http/route";
import { csvResponse } from "@/lib/revenue/csv-stream";
import { subscriptionsCsv } from "@/lib/revenue/exports";
import { CSV_STREAM } from "@/lib/revenue/doc-text";

export const GET = route(
  {
    path: "/api/v1/admin/export/subscriptions.csv",
    auth: "operator",
    doc: {
      tag: "Admin",
      summary: "Every subscription with plan, status, MRR and dates, as CSV",
      description: CSV_STREAM,
      responses: { "200": "text/csv" },
    },
  },
  async () => csvResponse("subscriptions.csv", subscriptionsCsv()),
);
