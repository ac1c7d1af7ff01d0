import { json, route } from "@/lib/http/route";
import { ingestParsed } from "@/lib/metering/ingest-events";
import { parseLagoEvent } from "@/lib/metering/parse-event";
import { BATCH_MAX_BYTES, ZBatchBody } from "@/lib/metering/schemas";
import { lagoEventJson } from "@/lib/metering/serialize";

/** Lago's batch shape, up to 1,000 events; answers Lago's {"events": [...]} with each item's outcome. */
export const POST = route({ auth: "any", body: ZBatchBody, maxBodyBytes: BATCH_MAX_BYTES, perItem: true }, async ({ actor, body }) => {
  const items = body.events.map(parseLagoEvent);
  const { outcomes } = await ingestParsed(actor, items, { via: "events/batch" });
  return json({ events: outcomes.map((o, i) => lagoEventJson(o, body.events[i])) }, 202);
});
