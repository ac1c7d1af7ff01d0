import { route } from "@/lib/http/route";
import { chargeRowJson, listCharges } from "@/lib/revenue/lists";
import { ZChargeListJson, ZChargeListQuery } from "@/lib/revenue/schemas";

export const GET = route(
  {
    path: "/api/v1/admin/billing/recent-charges",
    auth: "operator",
    query: ZChargeListQuery,
    doc: {
      tag: "Admin",
      response: ZChargeListJson,
      summary: "Charges (payments), newest first, with refunds and net amounts; filterable, sortable, cursor-paginated",
    },
  },
  async ({ query }) => {
    const page = await listCharges(query);
    return { data: page.rows.map(chargeRowJson), next_cursor: page.nextCursor };
  },
);
