import { route } from "@/lib/http/route";
import { ZStatsQuery } from "@/lib/revenue/schemas";
import { billingStats, billingStatsJson } from "@/lib/revenue/stats";

export const GET = route({ auth: "operator", query: ZStatsQuery }, async ({ query }) => billingStatsJson(await billingStats({ currency: query.currency })));
