import { route } from "@/lib/http/route";
import { csvResponse } from "@/lib/revenue/csv-stream";
import { subscriptionsCsv } from "@/lib/revenue/exports";

export const GET = route({ auth: "operator" }, async () => csvResponse("subscriptions.csv", subscriptionsCsv()));
