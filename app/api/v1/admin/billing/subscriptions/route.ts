import { route } from "@/lib/http/route";
import { listSubscriptionsForAdmin, subscriptionRowJson } from "@/lib/revenue/lists";
import { ZSubscriptionListJson, ZSubscriptionListQuery } from "@/lib/revenue/schemas";

export const GET = route(
  {
    path: "/api/v1/admin/billing/subscriptions",
    auth: "operator",
    query: ZSubscriptionListQuery,
    doc: {
      tag: "Admin",
      response: ZSubscriptionListJson,
      summary: "Subscriptions filtered by status (or live), with MRR; sortable, cursor-paginated",
    },
  },
  async ({ query }) => {
    const page = await listSubscriptionsForAdmin(query);
    return { data: page.rows.map(subscriptionRowJson), next_cursor: page.nextCursor };
  },
);
