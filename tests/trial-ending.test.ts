// subscription.trial_ending: sent once per subscription about 3 days before its trial ends, by the
// job, through the outbox like every event — received signed, never twice, not for a trial far off.
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { emails, webhookEndpoints, webhookMessages } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { deliverDueWebhooks } from "@/lib/outbound-webhooks/deliver";
import { createEndpoint } from "@/lib/outbound-webhooks/endpoints";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { emitTrialEndingEvents } from "@/lib/subscriptions/trial-ending";
import { makeOrg, makePlan, makeUser } from "./support/fixtures";
import { startReceiver, type Receiver } from "./support/webhook-receiver";

process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "true";
resetEnvCache();

const DAY = 24 * 3600_000;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
}, 120_000);
afterAll(() => receiver?.close());

const trialEndingFor = (orgId: string) =>
  db
    .select()
    .from(webhookMessages)
    .where(and(eq(webhookMessages.orgId, orgId), eq(webhookMessages.type, "subscription.trial_ending")));

describe("subscription.trial_ending", () => {
  it("is sent once, 3 days ahead, to the customer's endpoint that wants it, signed", async () => {
    const org = await makeOrg();
    const endpoint = await createEndpoint(org.id, { url: receiver.url, eventTypes: ["subscription.trial_ending"] });
    const plan = await makePlan({ trialDays: 14 });
    const sub = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", provider: "manual" });
    expect(sub.status).toBe("trialing");
    const trialEnd = sub.trialEnd!;

    // 11 days before the end: too early.
    await emitTrialEndingEvents(new Date());
    expect(await trialEndingFor(org.id)).toHaveLength(0);

    // 2 days 23 hours before: now, once, however often the job runs.
    const at = new Date(trialEnd.getTime() - 3 * DAY + 3600_000);
    await emitTrialEndingEvents(at);
    await emitTrialEndingEvents(new Date(at.getTime() + 600_000));
    await emitTrialEndingEvents(new Date(trialEnd.getTime() - DAY));
    expect(await trialEndingFor(org.id)).toHaveLength(1);

    const before = receiver.received.length;
    await deliverDueWebhooks(new Date(Date.now() + 1000));
    const got = receiver.received.slice(before).filter((r) => r.body.includes(org.id));
    expect(got).toHaveLength(1);
    const body = new Webhook(endpoint.secret).verify(got[0]!.body, got[0]!.headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(body.type).toBe("subscription.trial_ending");
    expect(body.data).toMatchObject({ id: sub.id, status: "trialing", trial_end: trialEnd.toISOString() });
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
  });

  it("emails the owners once, saying when the trial ends; members are not told", async () => {
    const org = await makeOrg();
    const owner = await makeUser("owner", org.id);
    const member = await makeUser("member", org.id);
    const plan = await makePlan({ trialDays: 14 });
    const sub = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", provider: "manual" });
    const at = new Date(sub.trialEnd!.getTime() - 2 * DAY);
    await emitTrialEndingEvents(at);
    await emitTrialEndingEvents(new Date(at.getTime() + 600_000));
    const sent = await db
      .select()
      .from(emails)
      .where(and(eq(emails.orgId, org.id), eq(emails.kind, "subscription.trial_ending")));
    expect(sent.map((m) => m.to)).toEqual([owner.email]);
    expect(sent.map((m) => m.to)).not.toContain(member.email);
    expect(sent[0]!.subject).toMatch(/trial ends on \w{3} \d{1,2}, \d{4}$/);
    expect(sent[0]!.text).toContain("/billing");
  });

  it("is not sent for a trial that already ended or a subscription that is not trialing", async () => {
    const org = await makeOrg();
    const plan = await makePlan({ trialDays: 14 });
    const sub = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", provider: "manual" });
    await emitTrialEndingEvents(new Date(sub.trialEnd!.getTime() + 1000));
    expect(await trialEndingFor(org.id)).toHaveLength(0);
    const paid = await makeOrg();
    await subscribe(paid.id, { plan: { id: (await makePlan()).id }, actor: "test", provider: "manual" });
    await emitTrialEndingEvents(new Date(Date.now() + 20 * DAY));
    expect(await trialEndingFor(paid.id)).toHaveLength(0);
  });
});
