import { alertJson, listAlerts } from "@/lib/alerts/alerts";
import { ZAlertList, ZAlertListJson } from "@/lib/alerts/schemas";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/alerts",
    auth: "any",
    query: ZAlertList,
    customer: "query",
    doc: {
      tag: "Alerts",
      response: ZAlertListJson,
      summary: "A customer's alerts (usage at 80 % / 100 % of a plan limit, low credit balance), newest first",
      description: "Each alert is raised once per customer, kind, key, threshold and period.",
    },
  },
  async ({ query, customerId }) => {
    const page = await listAlerts(customerId, { status: query.status, limit: query.limit, cursor: query.cursor });
    return { data: page.data.map(alertJson), next_cursor: page.nextCursor };
  },
);
