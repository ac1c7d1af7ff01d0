// Webhook signing secrets at rest: the database holds them sealed (AES-256-GCM, the key named in the
// value), the secret is answered once at creation and rotation, deliveries are still signed with it;
// a secret stored in plaintext before sealing existed still signs and the start-up pass seals it; a
// new TALLY_ENCRYPTION_KEY reseals what the old key sealed; a value tampered with or moved does not open.
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { deliverDueWebhooks } from "@/lib/outbound-webhooks/deliver";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { createEndpoint, resealWebhookSecrets, rotateSecret } from "@/lib/outbound-webhooks/endpoints";
import { seal, unseal } from "@/lib/secret-box";
import { makeOrg } from "./support/fixtures";
import { startReceiver, type Receiver } from "./support/webhook-receiver";

process.env.WEBHOOK_ALLOW_PRIVATE_URLS = "true";
resetEnvCache();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  delete process.env.TALLY_ENCRYPTION_KEY;
  resetEnvCache();
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const org = await makeOrg();
  const receiver: Receiver = await startReceiver();
  const endpoint = await createEndpoint(org.id, { url: receiver.url });
  cleanups.push(async () => {
    await receiver.close();
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
  });
  return { org, receiver, endpoint };
}
const stored = async (id: string) => (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;
let n = 0;
async function deliverOne(orgId: string, receiver: Receiver) {
  await db.transaction((tx) =>
    emitWebhookEvent(tx, { orgId, type: "invoice.paid", data: { id: `inv_sealed_${++n}` }, orderingKey: null }),
  );
  await deliverDueWebhooks(new Date(Date.now() + 1000));
  return receiver.received.at(-1)!;
}

describe("webhook secrets at rest", () => {
  it("stores the secret sealed, never as it was shown, and signs deliveries with the secret shown", async () => {
    const { org, receiver, endpoint } = await setup();
    expect(endpoint.secret).toMatch(/^whsec_/);
    const row = await stored(endpoint.id);
    expect(row.secret).toMatch(/^tenc1:[0-9a-f]{12}:/);
    expect(row.secret).not.toContain(endpoint.secret.slice(6, 20));
    const got = await deliverOne(org.id, receiver);
    expect(new Webhook(endpoint.secret).verify(got.body, got.headers)).toBeTruthy();
  });

  it("answers a rotated secret once and keeps both sealed; both sign during the grace", async () => {
    const { org, receiver, endpoint } = await setup();
    const rotated = await rotateSecret({ kind: "customer", orgId: org.id }, endpoint.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    const row = await stored(endpoint.id);
    expect(row.secret).toMatch(/^tenc1:/);
    expect(row.previousSecret).toMatch(/^tenc1:/);
    const got = await deliverOne(org.id, receiver);
    expect(new Webhook(endpoint.secret).verify(got.body, got.headers)).toBeTruthy();
    expect(new Webhook(rotated.secret).verify(got.body, got.headers)).toBeTruthy();
  });

  it("still signs with a secret stored in plaintext before sealing, and the start-up pass seals it", async () => {
    const { org, receiver, endpoint } = await setup();
    await db.update(webhookEndpoints).set({ secret: endpoint.secret }).where(eq(webhookEndpoints.id, endpoint.id));
    const before = await deliverOne(org.id, receiver);
    expect(new Webhook(endpoint.secret).verify(before.body, before.headers)).toBeTruthy();
    expect(await resealWebhookSecrets()).toBeGreaterThanOrEqual(1);
    expect((await stored(endpoint.id)).secret).toMatch(/^tenc1:/);
    const after = await deliverOne(org.id, receiver);
    expect(new Webhook(endpoint.secret).verify(after.body, after.headers)).toBeTruthy();
  });

  it("moves to a new TALLY_ENCRYPTION_KEY: the old seal still opens, the reseal rewrites it under the new key", async () => {
    const { org, receiver, endpoint } = await setup();
    const oldSeal = (await stored(endpoint.id)).secret;
    process.env.TALLY_ENCRYPTION_KEY = "a-dedicated-key-of-at-least-32-characters-1";
    resetEnvCache();
    const during = await deliverOne(org.id, receiver);
    expect(new Webhook(endpoint.secret).verify(during.body, during.headers)).toBeTruthy();
    await resealWebhookSecrets();
    const newSeal = (await stored(endpoint.id)).secret;
    expect(newSeal.split(":")[1]).not.toBe(oldSeal.split(":")[1]);
    // Rotating again: the new key seals, the one before is listed after it and still opens.
    process.env.TALLY_ENCRYPTION_KEY =
      "a-dedicated-key-of-at-least-32-characters-2,a-dedicated-key-of-at-least-32-characters-1";
    resetEnvCache();
    const after = await deliverOne(org.id, receiver);
    expect(new Webhook(endpoint.secret).verify(after.body, after.headers)).toBeTruthy();
    // A key nobody configured any more: refused with what to do, not signed with garbage.
    process.env.TALLY_ENCRYPTION_KEY = "a-dedicated-key-of-at-least-32-characters-3";
    resetEnvCache();
    expect(() => unseal(newSeal, "webhook_endpoints.secret")).toThrow(/TALLY_ENCRYPTION_KEY/);
  });

  it("a secret whose key is gone fails its own attempt with the reason, sends nothing unsigned, and the others still go", async () => {
    const broken = await setup();
    const fine = await setup();
    await db
      .update(webhookEndpoints)
      .set({
        secret: seal(broken.endpoint.secret, "webhook_endpoints.secret").replace(
          /^tenc1:[0-9a-f]+:/,
          "tenc1:000000000000:",
        ),
      })
      .where(eq(webhookEndpoints.id, broken.endpoint.id));
    await deliverOne(broken.org.id, broken.receiver);
    await deliverOne(fine.org.id, fine.receiver);
    expect(broken.receiver.received).toHaveLength(0);
    expect(fine.receiver.received).toHaveLength(1);
    const [d] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, broken.endpoint.id));
    expect(d).toMatchObject({ status: "pending" });
    expect(d!.lastError).toMatch(/Not sent: .*TALLY_ENCRYPTION_KEY/);
  });

  it("does not open a sealed value tampered with, or one moved to another purpose", () => {
    const sealed = seal("whsec_abc", "webhook_endpoints.secret");
    expect(unseal(sealed, "webhook_endpoints.secret")).toBe("whsec_abc");
    const body = sealed.split(":")[2]!;
    const flipped = sealed.slice(0, -body.length) + (body[0] === "A" ? "B" : "A") + body.slice(1);
    expect(() => unseal(flipped, "webhook_endpoints.secret")).toThrow();
    expect(() => unseal(sealed, "another.column")).toThrow();
  });
});
