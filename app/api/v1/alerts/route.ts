import { alertJson, listAlerts } from "@/lib/alerts/alerts";
import { ZAlertList } from "@/lib/alerts/schemas";
import { route } from "@/lib/http/route";
import { scopeCustomer } from "@/lib/metering/scope";

export const GET = route({
  path: "/api/v1/alerts",
  auth: "any", query: ZAlertList,
  doc: {
    tag: "Alerts",
    summary: "A customer's alerts (usage at 80 % / 100 % of a plan limit, low credit balance), newest first",
    description: "Each alert is raised once per customer, kind, key, threshold and period.",
  },
}, async ({ actor, query }) => {
  const org = await scopeCustomer(actor, query);
  const page = await listAlerts(org.id, { status: query.status, limit: query.limit, cursor: query.cursor });
  return { data: page.data.map(alertJson), next_cursor: page.nextCursor };
});
