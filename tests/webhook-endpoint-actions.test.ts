// The webhook pages' server actions: an owner manages its own organization's endpoints and nobody
// else's (another customer's endpoint or delivery is "not found" and stays as it was), a member
// changes nothing, the admin manages the installation's endpoints and any customer's. Each action
// does what its button says: the secret shown once, event types from the checkboxes, a test event
// delivered (signed, verified by the standardwebhooks library) to that endpoint only, a replay, a
// rotation whose old secret keeps signing for 24 hours, a delete that goes back to the list.
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { webhookDeliveries, webhookEndpoints, webhookMessages } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { deliverDueWebhooks } from "@/lib/outbound-webhooks/deliver";
import { createEndpoint, findDelivery, lastDeliveries, listDeliveries } from "@/lib/outbound-webhooks/endpoints";
import { makeOrg } from "./support/fixtures";
import { form, people, signInAs, type Who } from "./support/session-mock";
import { startReceiver, type Receiver } from "./support/webhook-receiver";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/session", () => import("./support/session-mock"));

process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "true";
resetEnvCache();

const customer = await import("@/app/(app)/webhook-endpoints/actions");
const admin = await import("@/app/admin/webhook-endpoints/actions");

const as = signInAs;
const endpointRow = async (id: string) =>
  (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];

let receiver: Receiver;
let ownerA: Who, memberA: Who, ownerB: Who, adminUser: Who;
let orgA: string, orgB: string;

beforeAll(async () => {
  receiver = await startReceiver();
  const [a, b] = [await makeOrg(), await makeOrg()];
  orgA = a.id;
  orgB = b.id;
  ({ ownerA, memberA, ownerB, adminUser } = await people(orgA, orgB));
}, 120_000);
afterAll(() => receiver?.close());

describe("the owner's webhook endpoint actions", () => {
  it("adds an endpoint for the owner's organization with the ticked event types, and answers its secret once", async () => {
    as(ownerA);
    const r = await customer.createCustomerEndpoint(
      null,
      form({
        url: receiver.url,
        description: "Billing sync",
        "event:invoice.paid": "on",
        "event:subscription.trial_ending": "on",
      }),
    );
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.data.secret).toMatch(/^whsec_/);
    const row = await endpointRow(r.data.id);
    expect(row).toMatchObject({ orgId: orgA, url: receiver.url, description: "Billing sync", status: "enabled" });
    expect([...row!.eventTypes].sort()).toEqual(["invoice.paid", "subscription.trial_ending"]);
  });

  it("names the field to fix: a missing URL, or a private address when those are refused", async () => {
    as(ownerA);
    const empty = await customer.createCustomerEndpoint(null, form({ url: " " }));
    expect(empty).toMatchObject({ ok: false, fieldErrors: { url: "Enter the URL Tally should POST events to." } });
    process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "false";
    resetEnvCache();
    try {
      const priv = await customer.createCustomerEndpoint(null, form({ url: "http://127.0.0.1:9/hook" }));
      expect(priv).toMatchObject({ ok: false, fieldErrors: { url: expect.stringMatching(/public address/) } });
      // The typed URL comes back so the form keeps it.
      expect(priv && !priv.ok && priv.values?.url).toBe("http://127.0.0.1:9/hook");
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "true";
      resetEnvCache();
    }
  });

  it("sends a test event to that endpoint only, signed so the library's verifier accepts it; replays it with the same webhook-id", async () => {
    as(ownerA);
    const made = await customer.createCustomerEndpoint(null, form({ url: receiver.url }));
    const other = await createEndpoint(orgA, { url: receiver.url, description: "another" });
    if (!made?.ok) throw new Error("not created");
    const before = receiver.received.length;
    const sent = await customer.sendCustomerTestEvent(null, form({ id: made.data.id }));
    expect(sent).toMatchObject({ ok: true, message: expect.stringMatching(/Test event queued/) });
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    const body = new Webhook(made.data.secret).verify(got[0]!.body, got[0]!.headers) as { type: string; data: object };
    expect(body).toMatchObject({ type: "webhook.test", data: { endpoint_id: made.data.id, customer_id: orgA } });
    expect((await listDeliveries({ kind: "operator" }, other.id, { limit: 10 })).data).toHaveLength(0);

    // The log and the list show it delivered with the answer's status.
    const log = await listDeliveries({ kind: "customer", orgId: orgA }, made.data.id, { limit: 10 });
    expect(log.data[0]).toMatchObject({ eventType: "webhook.test", status: "delivered", lastResponseStatus: 200 });
    expect((await lastDeliveries([made.data.id])).get(made.data.id)).toMatchObject({
      eventType: "webhook.test",
      status: "delivered",
      lastResponseStatus: 200,
    });
    const detail = await findDelivery({ kind: "customer", orgId: orgA }, log.data[0]!.id);
    expect(detail.attemptsLog[0]!.requestHeaders["webhook-id"]).toBe(got[0]!.headers["webhook-id"]);

    const replay = await customer.replayCustomerDelivery(null, form({ id: log.data[0]!.id }));
    expect(replay).toMatchObject({ ok: true });
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const again = receiver.received.slice(before + 1);
    expect(again).toHaveLength(1);
    expect(again[0]!.headers["webhook-id"]).toBe(got[0]!.headers["webhook-id"]);
  });

  it("changes event types (none ticked: all), disables and enables, rotates with the old secret valid 24 h, deletes", async () => {
    as(ownerA);
    const made = await customer.createCustomerEndpoint(null, form({ url: receiver.url, "event:usage.alert": "on" }));
    if (!made?.ok) throw new Error("not created");
    const id = made.data.id;

    const types = await customer.updateCustomerEndpointEvents(
      null,
      form({ id, "event:credits.low": "on", "event:credits.depleted": "on" }),
    );
    expect(types).toMatchObject({ ok: true, message: "Saved: 2 event types." });
    expect([...(await endpointRow(id))!.eventTypes].sort()).toEqual(["credits.depleted", "credits.low"]);
    expect(await customer.updateCustomerEndpointEvents(null, form({ id }))).toMatchObject({
      message: "Saved: every event type.",
    });
    expect((await endpointRow(id))!.eventTypes).toEqual([]);

    await customer.setCustomerEndpointEnabled(null, form({ id, enabled: "false" }));
    expect(await endpointRow(id)).toMatchObject({ status: "disabled", disabledReason: "Disabled by its owner" });
    // A disabled endpoint is not sent a test event: the owner is told to enable it first.
    expect(await customer.sendCustomerTestEvent(null, form({ id }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/enable it/),
    });
    await customer.setCustomerEndpointEnabled(null, form({ id, enabled: "true" }));
    expect(await endpointRow(id)).toMatchObject({ status: "enabled", disabledReason: null });

    const t0 = Date.now();
    const rotated = await customer.rotateCustomerEndpointSecret(null, form({ id }));
    if (!rotated?.ok) throw new Error("not rotated");
    expect(rotated.data.secret).toMatch(/^whsec_/);
    expect(rotated.data.secret).not.toBe(made.data.secret);
    const grace = new Date(rotated.data.previousExpiresAt).getTime() - t0;
    expect(grace).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(grace).toBeLessThanOrEqual(24 * 3600_000 + 1000);
    const before = receiver.received.length;
    await customer.sendCustomerTestEvent(null, form({ id }));
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const got = receiver.received[before]!;
    expect(new Webhook(made.data.secret).verify(got.body, got.headers)).toBeTruthy();
    expect(new Webhook(rotated.data.secret).verify(got.body, got.headers)).toBeTruthy();

    await expect(customer.deleteCustomerEndpoint(null, form({ id }))).rejects.toMatchObject({
      digest: expect.stringContaining("/webhook-endpoints?deleted=1"),
    });
    expect(await endpointRow(id)).toBeUndefined();
  });
});

describe("who may use the webhook actions", () => {
  it("another customer's owner can neither see nor change an endpoint: every action answers not found and nothing moves", async () => {
    as(ownerA);
    const made = await customer.createCustomerEndpoint(null, form({ url: receiver.url }));
    if (!made?.ok) throw new Error("not created");
    const id = made.data.id;
    await customer.sendCustomerTestEvent(null, form({ id }));
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
    const before = await endpointRow(id);

    as(ownerB);
    const notFound = { ok: false, error: "Webhook endpoint not found." };
    expect(await customer.updateCustomerEndpointEvents(null, form({ id, "event:invoice.paid": "on" }))).toMatchObject(
      notFound,
    );
    expect(await customer.setCustomerEndpointEnabled(null, form({ id, enabled: "false" }))).toMatchObject(notFound);
    expect(await customer.rotateCustomerEndpointSecret(null, form({ id }))).toMatchObject(notFound);
    expect(await customer.sendCustomerTestEvent(null, form({ id }))).toMatchObject(notFound);
    expect(await customer.deleteCustomerEndpoint(null, form({ id }))).toMatchObject(notFound);
    expect(await customer.replayCustomerDelivery(null, form({ id: delivery!.id }))).toMatchObject({
      ok: false,
      error: "Webhook delivery not found.",
    });
    // Reading, as the pages do, is refused the same way.
    await expect(findDelivery({ kind: "customer", orgId: orgB }, delivery!.id)).rejects.toThrow(/not found/);
    await expect(listDeliveries({ kind: "customer", orgId: orgB }, id, { limit: 5 })).rejects.toThrow(/not found/);

    const after = await endpointRow(id);
    expect(after).toEqual(before);
    expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id))).toHaveLength(1);
    // What ownerB adds is ownerB's.
    const mine = await customer.createCustomerEndpoint(null, form({ url: receiver.url }));
    expect(mine?.ok && (await endpointRow(mine.data.id))!.orgId).toBe(orgB);
  });

  it("a member changes nothing (403), and the admin's actions refuse a customer", async () => {
    as(memberA);
    await expect(customer.createCustomerEndpoint(null, form({ url: receiver.url }))).rejects.toMatchObject({
      digest: expect.stringContaining("403"),
    });
    as(ownerA);
    await expect(admin.createInstallationEndpoint(null, form({ url: receiver.url }))).rejects.toMatchObject({
      digest: expect.stringContaining("403"),
    });
  });

  it("the admin adds an endpoint for a customer from its page: the customer's own, which its owner then manages; nobody else may", async () => {
    as(adminUser);
    const made = await admin.createEndpointForCustomer(
      null,
      form({ customer_id: orgB, url: receiver.url, description: "Set up by support", "event:invoice.paid": "on" }),
    );
    if (!made?.ok) throw new Error(`not created: ${JSON.stringify(made)}`);
    expect(made.data.secret).toMatch(/^whsec_/);
    expect(await endpointRow(made.data.id)).toMatchObject({
      orgId: orgB,
      description: "Set up by support",
      eventTypes: ["invoice.paid"],
    });
    as(ownerB);
    expect(await customer.setCustomerEndpointEnabled(null, form({ id: made.data.id, enabled: "false" }))).toMatchObject(
      { ok: true },
    );
    as(ownerA);
    expect(await customer.sendCustomerTestEvent(null, form({ id: made.data.id }))).toMatchObject({
      ok: false,
      error: "Webhook endpoint not found.",
    });
    // An unknown customer is named, not a server error; an owner cannot use the admin's action.
    as(adminUser);
    expect(
      await admin.createEndpointForCustomer(null, form({ customer_id: "org_missing", url: receiver.url })),
    ).toMatchObject({ ok: false, error: "Customer not found." });
    as(ownerA);
    const countA = async () =>
      (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.orgId, orgA))).length;
    const before = await countA();
    await expect(
      admin.createEndpointForCustomer(null, form({ customer_id: orgA, url: receiver.url })),
    ).rejects.toMatchObject({ digest: expect.stringContaining("403") });
    expect(await countA()).toBe(before);
  });

  it("the admin adds the installation's endpoint and manages a customer's; a customer cannot reach the installation's", async () => {
    as(adminUser);
    const inst = await admin.createInstallationEndpoint(null, form({ url: receiver.url, description: "ops" }));
    if (!inst?.ok) throw new Error("not created");
    expect((await endpointRow(inst.data.id))!.orgId).toBeNull();

    const theirs = await createEndpoint(orgB, { url: receiver.url });
    expect(await admin.setAdminEndpointEnabled(null, form({ id: theirs.id, enabled: "false" }))).toMatchObject({
      ok: true,
    });
    // The customer reads who turned it off: not "its owner".
    expect(await endpointRow(theirs.id)).toMatchObject({
      status: "disabled",
      disabledReason: "Disabled by the operator",
    });

    as(ownerA);
    expect(await customer.setCustomerEndpointEnabled(null, form({ id: inst.data.id, enabled: "false" }))).toMatchObject(
      { ok: false, error: "Webhook endpoint not found." },
    );
    expect((await endpointRow(inst.data.id))!.status).toBe("enabled");
    // Its test messages are kept with the endpoint's owner (null: the installation).
    as(adminUser);
    await admin.sendAdminTestEvent(null, form({ id: inst.data.id }));
    const msgs = await db.select().from(webhookMessages).where(eq(webhookMessages.type, "webhook.test"));
    expect(msgs.some((m) => m.orgId === null)).toBe(true);
  });
});
