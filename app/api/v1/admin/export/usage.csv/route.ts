import { route } from "@/lib/http/route";
import { csvResponse } from "@/lib/revenue/csv-stream";
import { usageCsv } from "@/lib/revenue/exports";
import { ZExportQuery } from "@/lib/revenue/schemas";

export const GET = route({ auth: "operator", query: ZExportQuery }, async ({ query }) => csvResponse("usage.csv", await usageCsv(query)));
