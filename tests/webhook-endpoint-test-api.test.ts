// POST /api/v1/webhook-endpoints/{id}/test: what the pages' "Send a test event" button does, for a
// customer's backend (its key) and the operator. A webhook.test delivery goes to that endpoint only;
// an Idempotency-Key sends one however often the request is retried; another customer's endpoint is
// not found and gets nothing; a disabled endpoint is refused with the field named.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as testRoute from "@/app/api/v1/webhook-endpoints/[id]/test/route";
import { db } from "@/lib/db/client";
import { webhookDeliveries } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { createEndpoint, updateEndpoint } from "@/lib/outbound-webhooks/endpoints";
import type { WebhookDeliveryJson } from "@/lib/outbound-webhooks/schemas";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie } from "./support/fixtures";

process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "true";
resetEnvCache();

async function customerWithEndpoint() {
  const org = await makeOrg();
  const endpoint = await createEndpoint(org.id, { url: "http://127.0.0.1:9/hook" });
  return { org, endpoint, key: await customerKey(org.id) };
}
const sendTest = (id: string, opts: { key?: string; cookie?: string; idempotencyKey?: string }) =>
  call<WebhookDeliveryJson & { error?: { details?: { field: string }[] } }>(
    testRoute.POST,
    "POST",
    `/api/v1/webhook-endpoints/${id}/test`,
    {
      key: opts.key,
      cookie: opts.cookie,
      params: { id },
      headers: opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : undefined,
    },
  );
const deliveriesOf = (endpointId: string) =>
  db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));

describe("POST /api/v1/webhook-endpoints/{id}/test", () => {
  it("queues a webhook.test delivery to that endpoint, answered 202 with the delivery", async () => {
    const { endpoint, key } = await customerWithEndpoint();
    const res = await sendTest(endpoint.id, { key });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ endpoint_id: endpoint.id, event_type: "webhook.test", status: "pending" });
    const log = await deliveriesOf(endpoint.id);
    expect(log.map((d) => d.id)).toEqual([res.json.id]);
  });

  it("sends one test event for one Idempotency-Key, however often the request is retried", async () => {
    const { endpoint, key } = await customerWithEndpoint();
    const first = await sendTest(endpoint.id, { key, idempotencyKey: "test-once" });
    const again = await sendTest(endpoint.id, { key, idempotencyKey: "test-once" });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.id).toBe(first.json.id);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    // Without a key, each request is a new test event.
    await sendTest(endpoint.id, { key });
    expect(await deliveriesOf(endpoint.id)).toHaveLength(2);
  });

  it("another customer's key or owner cannot send to an endpoint: 404, and nothing is queued", async () => {
    const { endpoint } = await customerWithEndpoint();
    const other = await makeOrg();
    const otherOwner = await makeUser("owner", other.id);
    expect((await sendTest(endpoint.id, { key: await customerKey(other.id) })).status).toBe(404);
    expect((await sendTest(endpoint.id, { cookie: await sessionCookie(otherOwner.id) })).status).toBe(404);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(0);
  });

  it("a member may not send (403); the operator may", async () => {
    const { org, endpoint } = await customerWithEndpoint();
    const member = await makeUser("member", org.id);
    expect((await sendTest(endpoint.id, { cookie: await sessionCookie(member.id) })).status).toBe(403);
    expect((await sendTest(endpoint.id, { key: await platformKey() })).status).toBe(202);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
  });

  it("refuses a disabled endpoint, naming the field, and queues nothing", async () => {
    const { org, endpoint, key } = await customerWithEndpoint();
    await updateEndpoint({ kind: "customer", orgId: org.id }, endpoint.id, { enabled: false });
    const res = await sendTest(endpoint.id, { key, idempotencyKey: "test-disabled" });
    expect(res.status).toBe(400);
    expect(res.json.error?.details?.map((d) => d.field)).toEqual(["endpoint"]);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(0);
  });
});
