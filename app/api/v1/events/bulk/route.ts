import { idempotencyKeyOf } from "@/lib/idempotency/idempotent";
import { json, route } from "@/lib/http/route";
import { ingestParsed } from "@/lib/metering/ingest-events";
import { applyIdempotencyKey, parseFlexPriceEvent } from "@/lib/metering/parse-event";
import { BATCH_MAX_BYTES, ZBatchBody, ZBulkDoc, ZBulkReplyJson } from "@/lib/metering/schemas";
import { bulkBody, wantsRepresentation } from "@/lib/metering/serialize";
import { EVENT_IDS, ITEM_OUTCOMES } from "@/lib/metering/doc-text";

/** FlexPrice's bulk shape, up to 1,000 events; every item gets its own outcome. */
export const POST = route(
  {
    path: "/api/v1/events/bulk",
    // FlexPrice's SDKs (and the Benthos guide's `output: flexprice`) post here, under their own base path.
    aliases: ["/v1/events/bulk"],
    permission: "events:write",
    auth: "any",
    body: ZBatchBody,
    maxBodyBytes: BATCH_MAX_BYTES,
    perItem: true,
    fast: true,
    doc: {
      tag: "Usage events",
      summary: "Send up to 1,000 events (FlexPrice bulk shape)",
      response: ZBulkReplyJson,
      description: `${ITEM_OUTCOMES}\n\n${EVENT_IDS}\n\nAnswers 202 with a flat object of strings, as the FlexPrice SDK expects: {"message": "998 accepted, 2 duplicate, 0 rejected", "accepted": "998", "duplicate": "2", "rejected": "0"}. With \`Prefer: return=representation\`: the counts as numbers and "events": [{index, status, event_id, id, error: {field, message}}].`,
      responses: {
        "202": "Processed: per-item outcomes",
        "400": "Not a list of 1 to 1,000 events",
        "413": "Body over 5 MiB",
      },
      body: ZBulkDoc,
    },
  },
  async ({ actor, body, req }) => {
    const items = body.events.map(parseFlexPriceEvent);
    applyIdempotencyKey(items, idempotencyKeyOf(req), true);
    const summary = await ingestParsed(actor, items, { via: "events/bulk" });
    return json(bulkBody(summary, wantsRepresentation(req)), 202);
  },
);
