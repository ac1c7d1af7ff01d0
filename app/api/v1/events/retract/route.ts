import { route } from "@/lib/http/route";
import { retractUsage, ZCorrectionJson, ZRetractBody, ZRetractDoc, MAX_EVENT_IDS } from "@/lib/metering/corrections";

/** Retract usage events (operators only): by id, or by time range narrowed by event name and properties. */
export const POST = route(
  {
    path: "/api/v1/events/retract",
    auth: "operator",
    body: ZRetractBody,
    customer: "body",
    idempotent: "key",
    doc: {
      tag: "Usage events",
      response: ZCorrectionJson,
      body: ZRetractDoc,
      summary: "Retract a customer's usage events, with a reason (a usage correction)",
      description: `Names the events by \`event_ids\` (at most ${MAX_EVENT_IDS}) or by \`from\`/\`to\` (event time), optionally narrowed by \`event_name\` and \`properties\`. Retracted events stop counting everywhere — usage, entitlements, the upcoming invoice — and a period already billed is credited on the next bill. The correction runs in batches: 200 when it finished within the request, 202 while it runs on (GET /api/v1/usage-corrections shows its status). A retracted event's id stays used: send corrected events under new ids. Requires an Idempotency-Key.`,
      responses: {
        "200": "Correction (completed)",
        "202": "Correction (running)",
        "400": "Invalid field",
        "403": "Not an operator",
        "409": "Idempotency conflict",
      },
    },
  },
  async ({ actor, body, customerId, idempotencyKey }) => retractUsage(actor, customerId, body, idempotencyKey),
);
