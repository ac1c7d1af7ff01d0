import { idempotencyKeyOf } from "@/lib/idempotency/idempotent";
import { json, route } from "@/lib/http/route";
import { ingestParsed } from "@/lib/metering/ingest-events";
import { listEvents } from "@/lib/metering/list-events";
import { applyIdempotencyKey, parseFlexPriceEvent, parseLagoEvent } from "@/lib/metering/parse-event";
import {
  SINGLE_EVENT_MAX_BYTES,
  ZEventList,
  ZSingleEventBody,
  ZSingleEventDoc,
  ZSingleEventReplyJson,
  ZStoredEventPage,
} from "@/lib/metering/schemas";
import { getOrganization } from "@/lib/orgs/organizations";
import {
  flexSingleBody,
  itemJson,
  lagoEventJson,
  rejectionError,
  storedEventJson,
  wantsRepresentation,
} from "@/lib/metering/serialize";
import { EVENT_IDS } from "@/lib/metering/doc-text";

/** One event: FlexPrice's shape, or Lago's {"event": {…}}. 202 when accepted (or already recorded). */
export const POST = route(
  {
    path: "/api/v1/events",
    // FlexPrice's SDKs (and the Benthos guide's `output: flexprice`) post here, under their own base path.
    aliases: ["/v1/events"],
    permission: "events:write",
    auth: "any",
    body: ZSingleEventBody,
    maxBodyBytes: SINGLE_EVENT_MAX_BYTES,
    fast: true,
    doc: {
      tag: "Usage events",
      summary: "Send one usage event (FlexPrice or Lago shape)",
      response: ZSingleEventReplyJson,
      description: `FlexPrice's shape, or Lago's {"event": {…}}. ${EVENT_IDS}\n\nAnswers 202 with FlexPrice's flat object of strings — {"event_id": "…", "message": "accepted"} (or "duplicate") — or, with \`Prefer: return=representation\`, the item's outcome; a Lago-shaped request gets Lago's {"event": {…, "status"}}. A rejected event is a 400 naming the field (\`source\` "call" is reserved for the usage a finalized call records: billed through the call, never drawn from credits), a 403 when a customer key names another customer, a 409 when the id was used for a different event. Platform keys name the customer per event (external_customer_id = the customer's external_id, or Tally's id); customer keys may omit it.`,
      responses: {
        "202": "Accepted (or already recorded)",
        "400": "Rejected: the field and the reason",
        "403": "Another customer's event",
        "409": "The id was used for a different event",
        "413": "Body over 256 KiB",
      },
      body: ZSingleEventDoc,
    },
  },
  async ({ actor, body, req }) => {
    const lago = typeof body.event === "object" && body.event !== null && !Array.isArray(body.event);
    const item = lago ? parseLagoEvent(body.event) : parseFlexPriceEvent(body);
    applyIdempotencyKey([item], idempotencyKeyOf(req), false);
    const { outcomes } = await ingestParsed(actor, [item], { via: "events" });
    const o = outcomes[0]!;
    if (o.status === "rejected") throw rejectionError(o);
    if (lago) return json({ event: lagoEventJson(o, body.event) }, 202);
    return json(wantsRepresentation(req) ? itemJson(o) : flexSingleBody(o, false), 202);
  },
);

/** A customer's stored events, newest first. */
export const GET = route(
  {
    path: "/api/v1/events",
    auth: "any",
    query: ZEventList,
    customer: "query",
    doc: {
      response: ZStoredEventPage,
      tag: "Usage events",
      summary: "A customer's stored events, newest first (filter by name, id and time; cursor-paginated)",
    },
  },
  async ({ query, customerId }) => {
    const org = await getOrganization(customerId);
    const page = await listEvents(org.id, {
      eventName: query.event_name,
      eventId: query.event_id,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor,
    });
    return { data: page.data.map((e) => storedEventJson(e, org.externalId)), next_cursor: page.nextCursor };
  },
);
