import { route } from "@/lib/http/route";
import { listWebhookEvents, webhookJson } from "@/lib/webhooks/queries";
import { ZWebhookList } from "@/lib/webhooks/schemas";


export const GET = route({ auth: "operator", query: ZWebhookList }, async ({ query }) => {
  const page = await listWebhookEvents(query);
  return { data: page.data.map(webhookJson), next_cursor: page.nextCursor };
});
