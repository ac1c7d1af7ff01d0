import { idempotencyKeyOf } from "@/lib/idempotency/idempotent";
import { json, route } from "@/lib/http/route";
import { ingestParsed } from "@/lib/metering/ingest-events";
import { applyIdempotencyKey, parseFlexPriceEvent } from "@/lib/metering/parse-event";
import { BATCH_MAX_BYTES, ZBatchBody } from "@/lib/metering/schemas";
import { bulkBody, wantsRepresentation } from "@/lib/metering/serialize";

/** FlexPrice's bulk shape, up to 1,000 events; every item gets its own outcome. */
export const POST = route({ auth: "any", body: ZBatchBody, maxBodyBytes: BATCH_MAX_BYTES, perItem: true }, async ({ actor, body, req }) => {
  const items = body.events.map(parseFlexPriceEvent);
  applyIdempotencyKey(items, idempotencyKeyOf(req), true);
  const summary = await ingestParsed(actor, items, { via: "events/bulk" });
  return json(bulkBody(summary, wantsRepresentation(req)), 202);
});
