import { route } from "@/lib/http/route";
import { chargeRowJson, listCharges } from "@/lib/revenue/lists";
import { ZChargeListQuery } from "@/lib/revenue/schemas";

export const GET = route({ auth: "operator", query: ZChargeListQuery }, async ({ query }) => {
  const page = await listCharges(query);
  return { data: page.rows.map(chargeRowJson), next_cursor: page.nextCursor };
});
