import { route } from "@/lib/http/route";
import { ZSeriesQuery } from "@/lib/revenue/schemas";
import { revenueSeries, seriesJson } from "@/lib/revenue/series";

export const GET = route({ auth: "operator", query: ZSeriesQuery }, async ({ query }) => seriesJson(await revenueSeries(query)));
