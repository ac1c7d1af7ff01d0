import { route } from "@/lib/http/route";
import { customerRowJson, listCustomers } from "@/lib/revenue/lists";
import { ZCustomerListJson, ZCustomerListQuery } from "@/lib/revenue/schemas";

export const GET = route(
  {
    path: "/api/v1/admin/billing/customers",
    auth: "operator",
    query: ZCustomerListQuery,
    doc: {
      tag: "Admin",
      response: ZCustomerListJson,
      summary:
        "Customers with plan, status, MRR, credit balance and usage this month; searchable, sortable, cursor-paginated",
    },
  },
  async ({ query }) => {
    const page = await listCustomers(query);
    return { data: page.rows.map(customerRowJson), next_cursor: page.nextCursor };
  },
);
