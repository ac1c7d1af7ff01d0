import { idempotencyKeyOf } from "@/lib/idempotency/idempotent";
import { json, route } from "@/lib/http/route";
import { ingestParsed } from "@/lib/metering/ingest-events";
import { listEvents } from "@/lib/metering/list-events";
import { applyIdempotencyKey, parseFlexPriceEvent, parseLagoEvent } from "@/lib/metering/parse-event";
import { SINGLE_EVENT_MAX_BYTES, ZEventList, ZSingleEventBody } from "@/lib/metering/schemas";
import { scopeCustomer } from "@/lib/metering/scope";
import { flexSingleBody, itemJson, lagoEventJson, rejectionError, storedEventJson, wantsRepresentation } from "@/lib/metering/serialize";

/** One event: FlexPrice's shape, or Lago's {"event": {…}}. 202 when accepted (or already recorded). */
export const POST = route({ auth: "any", body: ZSingleEventBody, maxBodyBytes: SINGLE_EVENT_MAX_BYTES }, async ({ actor, body, req }) => {
  const lago = typeof body.event === "object" && body.event !== null && !Array.isArray(body.event);
  const item = lago ? parseLagoEvent(body.event) : parseFlexPriceEvent(body);
  applyIdempotencyKey([item], idempotencyKeyOf(req), false);
  const { outcomes } = await ingestParsed(actor, [item], { via: "events" });
  const o = outcomes[0]!;
  if (o.status === "rejected") throw rejectionError(o);
  if (lago) return json({ event: lagoEventJson(o, body.event) }, 202);
  return json(wantsRepresentation(req) ? itemJson(o) : flexSingleBody(o, false), 202);
});

/** A customer's stored events, newest first. */
export const GET = route({ auth: "any", query: ZEventList }, async ({ actor, query }) => {
  const org = await scopeCustomer(actor, query);
  const page = await listEvents(org.id, { eventName: query.event_name, eventId: query.event_id, from: query.from, to: query.to, limit: query.limit, cursor: query.cursor });
  return { data: page.data.map((e) => storedEventJson(e, org.externalId)), next_cursor: page.nextCursor };
});
