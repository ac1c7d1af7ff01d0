import { route } from "@/lib/http/route";
import { economicsJson, revenueEconomics } from "@/lib/revenue/economics";
import { ZEconomicsQuery } from "@/lib/revenue/schemas";

export const GET = route({ auth: "operator", query: ZEconomicsQuery }, async ({ query }) => economicsJson(await revenueEconomics(query)));
