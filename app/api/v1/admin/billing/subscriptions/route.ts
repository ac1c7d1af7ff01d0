import { route } from "@/lib/http/route";
import { listSubscriptionsForAdmin, subscriptionRowJson } from "@/lib/revenue/lists";
import { ZSubscriptionListQuery } from "@/lib/revenue/schemas";

export const GET = route({ auth: "operator", query: ZSubscriptionListQuery }, async ({ query }) => {
  const page = await listSubscriptionsForAdmin(query);
  return { data: page.rows.map(subscriptionRowJson), next_cursor: page.nextCursor };
});
