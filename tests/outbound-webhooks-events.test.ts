// Outbound webhook events come from the code paths that make the changes, written in their
// transactions: a subscription started, its invoice issued and paid, credits granted, a low balance,
// a cancellation — each reaches a receiver signed, in the order it happened for the subscription.
import { asc, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db } from "@/lib/db/client";
import { invoices, webhookMessages, type WebhookEndpoint } from "@/lib/db/schema";
import { markInvoicePaid } from "@/lib/invoices/issue-invoice";
import { deliverDueWebhooks } from "@/lib/outbound-webhooks/deliver";
import { createEndpoint } from "@/lib/outbound-webhooks/endpoints";
import { cancelNow } from "@/lib/payments/lifecycle";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { makeOrg, makePlan, uid } from "./support/fixtures";
import { startReceiver, type Receiver } from "./support/webhook-receiver";

let receiver: Receiver;
let endpoint: WebhookEndpoint;

beforeAll(async () => {
  receiver = await startReceiver();
  // The installation's endpoint (the operator's systems) may be on loopback; it gets every customer's events.
  endpoint = await createEndpoint(null, { url: receiver.url });
}, 120_000);
afterAll(() => receiver?.close());

const typesOf = async (orgId: string) =>
  (
    await db
      .select({ type: webhookMessages.type })
      .from(webhookMessages)
      .where(eq(webhookMessages.orgId, orgId))
      .orderBy(asc(webhookMessages.seq))
  ).map((m) => m.type);

type Body = { type: string; timestamp: string; data: Record<string, unknown> };
const bodiesFor = (orgId: string): Body[] =>
  receiver.received.map((r) => JSON.parse(r.body) as Body).filter((b) => b.data.customer_id === orgId);

describe("outbound webhook events from the domain", () => {
  it("a subscription's life sends subscription.created, invoice.issued and .paid, subscription.canceled — in order, signed", async () => {
    const org = await makeOrg();
    const plan = await makePlan({ basePriceCents: 4900 });
    const sub = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", provider: "manual" });
    // Tally bills a manual subscription's first period at subscribe: that invoice is open.
    const [invoice] = await db.select().from(invoices).where(eq(invoices.subscriptionId, sub.id));
    expect(invoice).toMatchObject({ status: "open", totalCents: 4900 });
    await db.transaction((tx) => markInvoicePaid(tx, invoice!.id, new Date()));
    await cancelNow(org.id, "test");
    expect(await typesOf(org.id)).toEqual([
      "subscription.created",
      "invoice.issued",
      "invoice.paid",
      "subscription.canceled",
    ]);
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const got = bodiesFor(org.id);
    expect(got.map((b) => b.type)).toEqual([
      "subscription.created",
      "invoice.issued",
      "invoice.paid",
      "subscription.canceled",
    ]);
    expect(got[0]!.data).toMatchObject({ id: sub.id, status: "active", plan_id: plan.id, action: "created" });
    expect(got[2]!.data).toMatchObject({ id: invoice!.id, status: "paid", total_cents: 4900, subscription_id: sub.id });
    expect(got[3]!.data).toMatchObject({ id: sub.id, status: "canceled", previous_status: "active" });
    for (const r of receiver.received) expect(new Webhook(endpoint.secret).verify(r.body, r.headers)).toBeTruthy();
  });

  it("credits granted and a low-balance alert send credits.granted and credits.low; a repeated alert sends nothing more", async () => {
    const org = await makeOrg();
    await grantCredits(org.id, {
      amount: 500,
      source: "promotional",
      expiresAt: null,
      reason: "welcome",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
    });
    const low = {
      orgId: org.id,
      kind: "low_credit_balance" as const,
      key: "balance",
      threshold: 100,
      periodKey: "crossing-1",
      message: "Low",
      details: { balance: 80 },
    };
    await raiseAlertOnce(low);
    await raiseAlertOnce(low);
    expect(await typesOf(org.id)).toEqual(["credits.granted", "credits.low"]);
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const got = bodiesFor(org.id);
    expect(got[0]).toMatchObject({ type: "credits.granted", data: { amount: 500, balance_after: 500 } });
    expect(got[1]).toMatchObject({ type: "credits.low", data: { threshold: "100", details: { balance: 80 } } });
  });
});
