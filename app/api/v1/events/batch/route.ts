import { json, route } from "@/lib/http/route";
import { ingestParsed } from "@/lib/metering/ingest-events";
import { parseLagoEvent } from "@/lib/metering/parse-event";
import { BATCH_MAX_BYTES, ZBatchBody, ZLagoBatchDoc, ZLagoBatchReplyJson } from "@/lib/metering/schemas";
import { lagoEventJson } from "@/lib/metering/serialize";
import { ITEM_OUTCOMES } from "@/lib/metering/doc-text";

/** Lago's batch shape, up to 1,000 events; answers Lago's {"events": [...]} with each item's outcome. */
export const POST = route(
  {
    path: "/api/v1/events/batch",
    permission: "events:write",
    auth: "any",
    body: ZBatchBody,
    maxBodyBytes: BATCH_MAX_BYTES,
    perItem: true,
    fast: true,
    doc: {
      tag: "Usage events",
      summary: "Send up to 1,000 events (Lago batch shape)",
      response: ZLagoBatchReplyJson,
      description: `${ITEM_OUTCOMES}\n\nLago's shape: transaction_id is required; timestamp is Unix seconds (a number or a numeric string); external_subscription_id names a subscription by its external_id (or Tally's id). Answers 202 with Lago's {"events": [{lago_id, transaction_id, code, timestamp, external_subscription_id, external_customer_id, properties, created_at, status, error}]} in request order.`,
      responses: {
        "202": "Processed: per-item outcomes",
        "400": "Not a list of 1 to 1,000 events",
        "413": "Body over 5 MiB",
      },
      body: ZLagoBatchDoc,
    },
  },
  async ({ actor, body }) => {
    const items = body.events.map(parseLagoEvent);
    const { outcomes } = await ingestParsed(actor, items, { via: "events/batch" });
    return json({ events: outcomes.map((o, i) => lagoEventJson(o, body.events[i])) }, 202);
  },
);
