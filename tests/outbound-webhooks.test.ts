// Outbound webhooks against a receiver on loopback: signed by the Standard Webhooks scheme (checked
// with the standardwebhooks library's own verifier), retried after 5xx and timeouts with backoff,
// in order per ordering key, replayable, verifiable with either secret during a rotation, and the
// endpoint disabled after 5 days of failures. Time moves by passing `now` to the worker.
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import {
  alerts,
  emails,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookMessages,
} from "@/lib/db/schema";
import {
  claimDeliveries,
  deliverDueWebhooks,
  LEASE_MS,
  retryDelaySeconds,
  sendDelivery,
} from "@/lib/outbound-webhooks/deliver";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import {
  createEndpoint,
  deleteEndpoint,
  listDeliveries,
  replayDelivery,
  rotateSecret,
  updateEndpoint,
} from "@/lib/outbound-webhooks/endpoints";
import { resetEnvCache } from "@/lib/env";
import { makeOrg, makeUser } from "./support/fixtures";
import { startReceiver, type Receiver } from "./support/webhook-receiver";

// The receiver listens on loopback, which customers' endpoints may not name by default.
process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "true";
resetEnvCache();

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const soon = (ms = 0) => new Date(Date.now() + 1000 + ms);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(opts: { answer?: Receiver["answer"]; eventTypes?: string[]; orgScoped?: boolean } = {}) {
  const org = await makeOrg();
  const receiver = await startReceiver(opts.answer);
  const endpoint = await createEndpoint(opts.orgScoped === false ? null : org.id, {
    url: receiver.url,
    eventTypes: opts.eventTypes,
  });
  cleanups.push(async () => {
    await receiver.close();
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
  });
  return { org, receiver, endpoint };
}

const emit = (
  orgId: string,
  type: "invoice.paid" | "subscription.updated",
  data: Record<string, unknown>,
  key?: string,
) => db.transaction((tx) => emitWebhookEvent(tx, { orgId, type, data, orderingKey: key ?? null }));

const deliveriesOf = (endpointId: string) =>
  db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));

describe("outbound webhooks: the delivery log", () => {
  it("pages through every delivery once, newest first", async () => {
    const { org, endpoint } = await setup();
    for (let i = 0; i < 7; i++) await emit(org.id, "invoice.paid", { id: `inv_page_${i}` });
    const scope = { kind: "customer" as const, orgId: org.id };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listDeliveries(scope, endpoint.id, { limit: 2, cursor });
      seen.push(...page.data.map((d) => d.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const all = await deliveriesOf(endpoint.id);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    // The order shown: newest first, ties by id, as the first page of the log shows them.
    const expected = [...all]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((d) => d.id);
    expect(seen).toEqual(expected);
  });
});

describe("outbound webhooks: signing", () => {
  it("sends a body the standardwebhooks library's own verifier accepts with the endpoint's secret, and refuses with another", async () => {
    const { org, receiver, endpoint } = await setup();
    await emit(org.id, "invoice.paid", { id: "inv_1", amount_paid_cents: 4900 });
    await deliverDueWebhooks(soon());
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received;
    expect(req!.headers["webhook-id"]).toMatch(/^msg_/);
    expect(req!.headers["webhook-timestamp"]).toMatch(/^\d+$/);
    expect(req!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    const payload = new Webhook(endpoint.secret).verify(req!.body, req!.headers) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: "invoice.paid", data: { id: "inv_1", amount_paid_cents: 4900 } });
    const other = await createEndpoint(org.id, { url: receiver.url });
    await deleteEndpoint({ kind: "operator" }, other.id);
    expect(() => new Webhook(other.secret).verify(req!.body, req!.headers)).toThrow();
    const tampered = req!.body.replace("4900", "1");
    expect(() => new Webhook(endpoint.secret).verify(tampered, req!.headers)).toThrow();
    const [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "delivered", attempts: 1, lastResponseStatus: 200 });
  });

  it("writes the event with the change's transaction: a rolled-back change sends nothing", async () => {
    const { org, receiver, endpoint } = await setup();
    await expect(
      db.transaction(async (tx) => {
        await emitWebhookEvent(tx, { orgId: org.id, type: "invoice.paid", data: { id: "inv_rolled_back" } });
        throw new Error("the change fails");
      }),
    ).rejects.toThrow("the change fails");
    expect(await db.select().from(webhookMessages).where(eq(webhookMessages.orgId, org.id))).toHaveLength(0);
    await deliverDueWebhooks(soon());
    expect(receiver.received).toHaveLength(0);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(0);
  });

  it("sends a customer's endpoint only its own events and the types it asked for; the installation's endpoint gets every customer's", async () => {
    const a = await setup({ eventTypes: ["invoice.paid"] });
    const installation = await setup({ orgScoped: false });
    const b = await makeOrg();
    await emit(a.org.id, "invoice.paid", { id: "inv_a" });
    await emit(a.org.id, "subscription.updated", { id: "sub_a" });
    await emit(b.id, "invoice.paid", { id: "inv_b" });
    await deliverDueWebhooks(soon());
    const ids = (r: Receiver) => r.received.map((x) => (JSON.parse(x.body) as { data: { id: string } }).data.id).sort();
    expect(ids(a.receiver)).toEqual(["inv_a"]);
    expect(ids(installation.receiver)).toEqual(expect.arrayContaining(["inv_a", "inv_b", "sub_a"]));
  });
});

describe("outbound webhooks: retries", () => {
  it("retries after 500s with growing waits, with the same webhook-id, and logs each attempt", async () => {
    const { org, receiver, endpoint } = await setup({ answer: (n) => ({ status: n < 2 ? 500 : 200 }) });
    await emit(org.id, "invoice.paid", { id: "inv_retry" });
    const t0 = soon();
    await deliverDueWebhooks(t0);
    let [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: 500 });
    expect(dl!.nextAttemptAt.getTime() - t0.getTime()).toBe(retryDelaySeconds(1) * 1000);
    // Not due yet: nothing is sent.
    await deliverDueWebhooks(new Date(t0.getTime() + 1000));
    expect(receiver.received).toHaveLength(1);
    const t1 = new Date(dl!.nextAttemptAt.getTime() + 1);
    await deliverDueWebhooks(t1);
    [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "pending", attempts: 2 });
    expect(dl!.nextAttemptAt.getTime() - t1.getTime()).toBe(retryDelaySeconds(2) * 1000);
    expect(retryDelaySeconds(2)).toBeGreaterThan(retryDelaySeconds(1));
    await deliverDueWebhooks(new Date(dl!.nextAttemptAt.getTime() + 1));
    [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "delivered", attempts: 3, lastResponseStatus: 200 });
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const log = await listDeliveries({ kind: "customer", orgId: org.id }, endpoint.id, { limit: 10 });
    expect(log.data[0]!.attemptsLog.map((a) => a.responseStatus)).toEqual([200, 500, 500]);
    expect(log.data[0]!.attemptsLog[2]!.responseBody).toBe("nope");
    expect(log.data[0]!.attemptsLog[0]!.requestHeaders["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
  });

  it("treats a receiver that does not answer in time as a failure and retries it", async () => {
    const { org, receiver, endpoint } = await setup({ answer: (n) => ({ status: 200, delayMs: n === 0 ? 2000 : 0 }) });
    await emit(org.id, "invoice.paid", { id: "inv_slow" });
    const t0 = soon();
    await deliverDueWebhooks(t0, { timeoutMs: 200 });
    let [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: null });
    expect(dl!.lastError).toMatch(/No answer within 200 ms/);
    await deliverDueWebhooks(new Date(dl!.nextAttemptAt.getTime() + 1), { timeoutMs: 200 });
    [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "delivered", attempts: 2 });
    expect(receiver.received).toHaveLength(2);
  });

  it("gives a delivery up once its retries would pass 3 days", async () => {
    const { org, endpoint } = await setup({ answer: () => ({ status: 503 }) });
    await emit(org.id, "invoice.paid", { id: "inv_give_up" });
    const [created] = await deliveriesOf(endpoint.id);
    await deliverDueWebhooks(new Date(created!.createdAt.getTime() + 3 * DAY - 2000));
    const [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "failed", attempts: 1, lastResponseStatus: 503 });
  });

  it("re-sends with the same webhook-id when the worker died between sending and recording (at least once)", async () => {
    const { org, receiver, endpoint } = await setup();
    await emit(org.id, "invoice.paid", { id: "inv_crash" });
    const t0 = soon();
    const claimed = await claimDeliveries(t0, 10);
    const mine = claimed.filter((c) => c.endpoint.id === endpoint.id);
    expect(mine).toHaveLength(1);
    await sendDelivery(mine[0]!, t0); // …and the process dies here: nothing is recorded.
    expect(receiver.received).toHaveLength(1);
    // Still leased: another worker does not send it meanwhile.
    await deliverDueWebhooks(new Date(t0.getTime() + 1000));
    expect(receiver.received).toHaveLength(1);
    await deliverDueWebhooks(new Date(t0.getTime() + LEASE_MS + 1000));
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    const [dl] = await deliveriesOf(endpoint.id);
    expect(dl).toMatchObject({ status: "delivered", attempts: 2 });
  });
});

describe("outbound webhooks: order, replay, rotation, disabling", () => {
  it("delivers one subscription's events in order: a later one waits while the earlier is retried; other keys do not wait", async () => {
    const { org, receiver, endpoint } = await setup({
      answer: (n, r) => ({ status: n === 0 && r.body.includes('"first"') ? 500 : 200 }),
    });
    await emit(org.id, "subscription.updated", { id: "sub_1", step: "first" }, "sub:sub_1");
    await emit(org.id, "subscription.updated", { id: "sub_1", step: "second" }, "sub:sub_1");
    await emit(org.id, "subscription.updated", { id: "sub_2", step: "other" }, "sub:sub_2");
    const t0 = soon();
    await deliverDueWebhooks(t0);
    const steps = () => receiver.received.map((r) => (JSON.parse(r.body) as { data: { step: string } }).data.step);
    expect(steps()).toEqual(["first", "other"]);
    const [first] = (await deliveriesOf(endpoint.id)).filter((d) => d.status === "pending" && d.attempts === 1);
    await deliverDueWebhooks(new Date(first!.nextAttemptAt.getTime() + 1));
    expect(steps()).toEqual(["first", "other", "first", "second"]);
    expect((await deliveriesOf(endpoint.id)).every((d) => d.status === "delivered")).toBe(true);
  });

  it("lets the next event of a subscription go once the earlier one is given up", async () => {
    const { org, receiver, endpoint } = await setup({
      answer: (_n, r) => ({ status: r.body.includes('"doomed"') ? 500 : 200 }),
    });
    await emit(org.id, "subscription.updated", { id: "sub_3", step: "doomed" }, "sub:sub_3");
    await emit(org.id, "subscription.updated", { id: "sub_3", step: "next" }, "sub:sub_3");
    const [doomed] = (await deliveriesOf(endpoint.id)).sort((a, b) => a.messageSeq - b.messageSeq);
    await deliverDueWebhooks(new Date(doomed!.createdAt.getTime() + 3 * DAY - 2000));
    const steps = receiver.received.map((r) => (JSON.parse(r.body) as { data: { step: string } }).data.step);
    expect(steps).toEqual(["doomed", "next"]);
  });

  it("replays a delivery: the same message and webhook-id again, now, as a new delivery in the log", async () => {
    const { org, receiver, endpoint } = await setup();
    await emit(org.id, "invoice.paid", { id: "inv_replay" });
    await deliverDueWebhooks(soon());
    const [original] = await deliveriesOf(endpoint.id);
    const replay = await replayDelivery({ kind: "customer", orgId: org.id }, original!.id);
    expect(replay).toMatchObject({ status: "pending", replayOf: original!.id, messageId: original!.messageId });
    await deliverDueWebhooks(soon());
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
    const other = await makeOrg();
    await expect(replayDelivery({ kind: "customer", orgId: other.id }, original!.id)).rejects.toThrow(/not found/);
    const log = await listDeliveries({ kind: "operator" }, endpoint.id, { limit: 10 });
    expect(log.data.map((d) => d.status)).toEqual(["delivered", "delivered"]);
  });

  it("signs with both the old and the new secret for 24 hours after a rotation, then with the new one only", async () => {
    const { org, receiver, endpoint } = await setup();
    const rotated = await rotateSecret({ kind: "customer", orgId: org.id }, endpoint.id);
    expect(rotated.secret).not.toBe(endpoint.secret);
    await emit(org.id, "invoice.paid", { id: "inv_rot_1" });
    await deliverDueWebhooks(soon());
    const [during] = receiver.received;
    expect(during!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(endpoint.secret).verify(during!.body, during!.headers)).toBeTruthy();
    expect(new Webhook(rotated.secret).verify(during!.body, during!.headers)).toBeTruthy();
    await emit(org.id, "invoice.paid", { id: "inv_rot_2" });
    await deliverDueWebhooks(soon(24 * HOUR + 60_000));
    const after = receiver.received[1]!;
    expect(new Webhook(rotated.secret).verify(after.body, after.headers)).toBeTruthy();
    expect(() => new Webhook(endpoint.secret).verify(after.body, after.headers)).toThrow();
  });

  it("disables an endpoint that has failed for 5 days, tells its owner with an alert, and resumes when re-enabled", async () => {
    let up = false;
    const { org, receiver, endpoint } = await setup({ answer: () => ({ status: up ? 200 : 500 }) });
    await emit(org.id, "invoice.paid", { id: "inv_down_1" });
    const t0 = soon();
    await deliverDueWebhooks(t0);
    let [ep] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(ep!.failingSince!.getTime()).toBe(t0.getTime());
    // Four days on, still failing: still enabled.
    await emit(org.id, "invoice.paid", { id: "inv_down_2" });
    await deliverDueWebhooks(new Date(t0.getTime() + 4 * DAY));
    [ep] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(ep!.status).toBe("enabled");
    // Five days on: disabled, the owner alerted, nothing more sent.
    await emit(org.id, "invoice.paid", { id: "inv_down_3" });
    await deliverDueWebhooks(new Date(t0.getTime() + 5 * DAY + 1000));
    [ep] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(ep).toMatchObject({ status: "disabled" });
    expect(ep!.disabledReason).toMatch(/5 days/);
    const [alert] = await db.select().from(alerts).where(eq(alerts.orgId, org.id));
    expect(alert).toMatchObject({ kind: "webhook_endpoint_disabled", key: endpoint.id, severity: "critical" });
    const sent = receiver.received.length;
    await deliverDueWebhooks(new Date(t0.getTime() + 5 * DAY + 2 * HOUR));
    expect(receiver.received).toHaveLength(sent);
    // Fixed and re-enabled: what was pending goes out.
    up = true;
    await updateEndpoint({ kind: "customer", orgId: org.id }, endpoint.id, { enabled: true });
    await deliverDueWebhooks(new Date(t0.getTime() + 5 * DAY + 2 * HOUR));
    const pending = (await deliveriesOf(endpoint.id)).filter((d) => d.status === "pending");
    expect(pending).toHaveLength(0);
    const attempts = await db.select().from(webhookDeliveryAttempts);
    expect(attempts.length).toBeGreaterThan(0);
  });
});

describe("outbound webhooks: the owner is emailed when an endpoint is disabled", () => {
  async function failFiveDays(orgId: string, endpointId: string) {
    await emit(orgId, "invoice.paid", { id: `inv_dead_${endpointId}_1` });
    const t0 = soon();
    await deliverDueWebhooks(t0);
    await emit(orgId, "invoice.paid", { id: `inv_dead_${endpointId}_2` });
    await deliverDueWebhooks(new Date(t0.getTime() + 5 * DAY + 1000));
    // The worker runs again later; the endpoint is already off, so nobody is told twice.
    await deliverDueWebhooks(new Date(t0.getTime() + 5 * DAY + 2 * HOUR));
    const [ep] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(ep!.status).toBe("disabled");
  }
  const disabledMailTo = (address: string) =>
    db
      .select()
      .from(emails)
      .where(and(eq(emails.to, address), eq(emails.kind, "webhook_endpoint_disabled")));

  it("emails each owner of the customer once, not its members, with a link to the endpoint", async () => {
    const { org, endpoint } = await setup({ answer: () => ({ status: 500 }) });
    const owner = await makeUser("owner", org.id);
    const member = await makeUser("member", org.id);
    await failFiveDays(org.id, endpoint.id);
    const mail = await disabledMailTo(owner.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toMatch(/disabled after 5 days/);
    expect(mail[0]!.text).toContain(endpoint.url);
    expect(mail[0]!.text).toContain(`/webhook-endpoints/${endpoint.id}`);
    expect(mail[0]!.text).not.toContain("/admin/");
    expect(await disabledMailTo(member.email)).toHaveLength(0);
  });

  it("emails the operators for an installation endpoint, with a link to the admin's page", async () => {
    const { org, endpoint } = await setup({ answer: () => ({ status: 500 }), orgScoped: false });
    const admin = await makeUser("admin", null);
    const owner = await makeUser("owner", org.id);
    await failFiveDays(org.id, endpoint.id);
    const mail = await disabledMailTo(admin.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain(`/admin/webhook-endpoints/${endpoint.id}`);
    expect(await disabledMailTo(owner.email)).toHaveLength(0);
  });
});

describe("outbound webhooks: workers side by side", () => {
  it("sends each delivery once when two workers run at the same time (SKIP LOCKED claim)", async () => {
    const { org, receiver, endpoint } = await setup();
    await db.transaction(async (tx) => {
      for (let i = 0; i < 60; i++)
        await emitWebhookEvent(tx, { orgId: org.id, type: "invoice.paid", data: { id: `inv_par_${i}` } });
    });
    const t = soon();
    await Promise.all([deliverDueWebhooks(t, { batch: 10 }), deliverDueWebhooks(t, { batch: 10 })]);
    expect(receiver.received).toHaveLength(60);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(60);
    expect((await deliveriesOf(endpoint.id)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });
});
