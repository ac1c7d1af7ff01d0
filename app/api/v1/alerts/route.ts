import { alertJson, listAlerts } from "@/lib/alerts/alerts";
import { ZAlertList } from "@/lib/alerts/schemas";
import { route } from "@/lib/http/route";
import { scopeCustomer } from "@/lib/metering/scope";

export const GET = route({ auth: "any", query: ZAlertList }, async ({ actor, query }) => {
  const org = await scopeCustomer(actor, query);
  const page = await listAlerts(org.id, { status: query.status, limit: query.limit, cursor: query.cursor });
  return { data: page.data.map(alertJson), next_cursor: page.nextCursor };
});
