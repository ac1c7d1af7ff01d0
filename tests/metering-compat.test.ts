// Compatibility with FlexPrice's and Lago's events APIs: the request bodies their documentation
// shows, sent as is, and their official JavaScript clients (@flexprice/sdk, lago-javascript-client)
// pointed at Tally by changing only the base URL and the key. The clients' fetch is routed to the
// route handlers in process, so every request goes through the same handler code as over HTTP.
import { Flexprice } from "@flexprice/sdk";
import { HTTPClient } from "@flexprice/sdk/lib/http.js";
import { Client as LagoClient } from "lago-javascript-client";
import { describe, expect, it } from "vitest";
import * as single from "@/app/api/v1/events/route";
import * as batch from "@/app/api/v1/events/batch/route";
import * as bulk from "@/app/api/v1/events/bulk/route";
import { listEvents } from "@/lib/metering/list-events";
import { createOrganization } from "@/lib/orgs/organizations";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter, makePlan } from "./support/metering";

const HANDLERS: Record<string, (req: Request) => Promise<Response>> = {
  "/api/v1/events": (req) => single.POST(req),
  "/api/v1/events/bulk": (req) => bulk.POST(req),
  "/api/v1/events/batch": (req) => batch.POST(req),
};

/** A fetch that answers from the route handlers, as the server would. */
async function inProcessFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const req = input instanceof Request ? input : new Request(input, init);
  const handler = HANDLERS[new URL(req.url).pathname];
  if (!handler) return new Response("not found", { status: 404 });
  return handler(req);
}

describe("FlexPrice's documented requests", () => {
  // docs.flexprice.io, API reference "Ingest event": the example request body, verbatim.
  const documented = {
    event_name: "api_request",
    external_customer_id: "customer456",
    customer_id: "customer456",
    event_id: "event123",
    properties: { '"response_status"': "200}", '{"request_size"': "100" },
    source: "api",
    timestamp: "2024-03-20T15:04:05Z",
  };

  it("accepts the documented single-event body with 202 and a flat object of strings", async () => {
    await makeMeter({ eventName: "api_request" });
    const org = await createOrganization({ name: "Customer 456", externalId: "customer456" });
    const key = await platformKey();
    const res = await call(single.POST, "POST", "/api/v1/events", { headers: { "x-api-key": key }, body: documented });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ event_id: "event123", message: "accepted" });
    const stored = await listEvents(org.id, { limit: 5, eventId: "event123" });
    expect(stored.data[0]).toMatchObject({
      eventName: "api_request",
      source: "api",
      timestamp: new Date("2024-03-20T15:04:05Z"),
      properties: documented.properties,
    });
    // The documented bulk body wraps the same event: a replay of it is a duplicate.
    const again = await call(bulk.POST, "POST", "/api/v1/events/bulk", {
      headers: { "x-api-key": key },
      body: { events: [documented] },
    });
    expect(again.status).toBe(202);
    expect(again.json).toEqual({
      message: "0 accepted, 1 duplicate, 0 rejected",
      accepted: "0",
      duplicate: "1",
      rejected: "0",
    });
  });

  it("works with the official FlexPrice SDK by changing only the base URL and the key", async () => {
    const org = await makeOrg();
    const tokens = await makeMeter({ aggregation: "sum", property: "tokens" });
    const flexprice = new Flexprice({
      serverURL: "http://tally.test/api/v1",
      apiKeyAuth: await platformKey(),
      httpClient: new HTTPClient({ fetcher: inProcessFetch }),
    });
    const one = await flexprice.events.ingestEvent({
      eventName: tokens.eventName,
      externalCustomerId: org.externalId!,
      eventId: `sdk-${uid()}`,
      properties: { tokens: "1500" },
      source: "sdk",
    });
    expect(one).toMatchObject({ message: "accepted" });
    const many = await flexprice.events.ingestEventsBulk({
      events: [
        {
          eventName: tokens.eventName,
          externalCustomerId: org.externalId!,
          eventId: "b1",
          properties: { tokens: "10.5" },
        },
        {
          eventName: tokens.eventName,
          externalCustomerId: org.externalId!,
          eventId: "b1",
          properties: { tokens: "10.5" },
        },
        {
          eventName: tokens.eventName,
          externalCustomerId: org.externalId!,
          eventId: "b2",
          properties: { tokens: "ten" },
        },
      ],
    });
    expect(many).toEqual({
      message: "1 accepted, 1 duplicate, 1 rejected",
      accepted: "1",
      duplicate: "1",
      rejected: "1",
    });
  });
});

describe("Lago's documented requests", () => {
  it("accepts the documented single and batch bodies (placeholders as printed) and answers in Lago's shape", async () => {
    const meter = await makeMeter({
      eventName: "__BILLABLE_METRIC_CODE__",
      aggregation: "sum",
      property: "custom_field",
    });
    const org = await makeOrg();
    await subscribe(org.id, {
      plan: { id: (await makePlan()).id },
      actor: "test",
      externalId: "__YOUR_SUBSCRIPTION_ID__",
    });
    const key = await platformKey();
    const now = Math.floor(Date.now() / 1000);
    // getlago.com/docs/api-reference/events/usage: the cURL example's body, with $(date +%s) evaluated.
    const res = await call<{ event: Record<string, unknown> }>(single.POST, "POST", "/api/v1/events", {
      key,
      body: {
        event: {
          transaction_id: "__UNIQUE_ID__",
          external_subscription_id: "__YOUR_SUBSCRIPTION_ID__",
          code: "__BILLABLE_METRIC_CODE__",
          timestamp: now,
          properties: { custom_field: 12 },
        },
      },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect(res.json.event).toMatchObject({
      transaction_id: "__UNIQUE_ID__",
      code: "__BILLABLE_METRIC_CODE__",
      external_subscription_id: "__YOUR_SUBSCRIPTION_ID__",
      lago_customer_id: org.id,
      status: "accepted",
      properties: { custom_field: 12 },
    });
    // getlago.com/docs/api-reference/events/batch: the same event in {"events": [...]}.
    const res2 = await call<{ events: Record<string, unknown>[] }>(batch.POST, "POST", "/api/v1/events/batch", {
      key,
      body: {
        events: [
          {
            transaction_id: "__UNIQUE_ID__",
            external_subscription_id: "__YOUR_SUBSCRIPTION_ID__",
            code: "__BILLABLE_METRIC_CODE__",
            timestamp: now,
            properties: { custom_field: 12 },
          },
        ],
      },
    });
    expect(res2.status).toBe(202);
    expect(res2.json.events[0]).toMatchObject({ transaction_id: "__UNIQUE_ID__", status: "duplicate" });
    void meter;
  });

  it("works with the official Lago JavaScript client by changing only the base URL and the key", async () => {
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "sum", property: "gb" });
    const sub = await subscribe(org.id, {
      plan: { id: (await makePlan()).id },
      actor: "test",
      externalId: `lago-sub-${uid()}`,
    });
    const lago = LagoClient(await platformKey(), {
      baseUrl: "http://tally.test/api/v1",
      customFetch: inProcessFetch as typeof fetch,
    });
    const created = await lago.events.createEvent({
      event: {
        transaction_id: `tx-${uid()}`,
        external_subscription_id: sub.externalId!,
        code: meter.eventName,
        timestamp: Math.floor(Date.now() / 1000),
        properties: { gb: 10 },
      },
    });
    expect(created.ok, JSON.stringify(created.error)).toBe(true);
    expect(created.data?.event).toMatchObject({ code: meter.eventName, lago_customer_id: org.id });
    const batched = await lago.events.createBatchEvents({
      events: [
        {
          transaction_id: "lb-1",
          external_subscription_id: sub.externalId!,
          code: meter.eventName,
          properties: { gb: 1 },
        },
        {
          transaction_id: "lb-2",
          external_subscription_id: sub.externalId!,
          code: meter.eventName,
          properties: { gb: "2.5" },
        },
      ],
    });
    expect(batched.ok).toBe(true);
    const events = (batched.data as unknown as { events: { status: string }[] }).events;
    expect(events.map((e) => e.status)).toEqual(["accepted", "accepted"]);
  });
});
