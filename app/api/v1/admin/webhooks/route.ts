import { route } from "@/lib/http/route";
import { listWebhookEvents, webhookJson } from "@/lib/webhooks/queries";
import { ZWebhookEventPage, ZWebhookList } from "@/lib/webhooks/schemas";

export const GET = route(
  {
    path: "/api/v1/admin/webhooks",
    auth: "operator",
    query: ZWebhookList,
    doc: {
      tag: "Admin",
      response: ZWebhookEventPage,
      summary: "The payment provider's event log (newest first)",
    },
  },
  async ({ query }) => {
    const page = await listWebhookEvents(query);
    return { data: page.data.map(webhookJson), next_cursor: page.nextCursor };
  },
);
