import { route } from "@/lib/http/route";
import { customerRowJson, listCustomers } from "@/lib/revenue/lists";
import { ZCustomerListQuery } from "@/lib/revenue/schemas";

export const GET = route({ auth: "operator", query: ZCustomerListQuery }, async ({ query }) => {
  const page = await listCustomers(query);
  return { data: page.rows.map(customerRowJson), next_cursor: page.nextCursor };
});
