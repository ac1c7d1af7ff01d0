// Auto top-up on Stripe: the saved card is charged off-session (a PaymentIntent with off_session
// and confirm), keyed per crossing so a retried job never charges twice; the credits come through
// the same payment path as a checkout's; a card that needs authentication or is declined ends the
// crossing's attempt with an alert.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { setAutoTopUp } from "@/lib/credits/auto-top-up";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db, rows } from "@/lib/db/client";
import { alerts, autoTopUps, jobs, organizations, payments } from "@/lib/db/schema";
import { runAutoTopUp } from "@/lib/payments/auto-top-up-charge";
import { upsertStripePaymentMethod } from "@/lib/payments/payment-methods";
import { makeOrg, uid } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";

const stripe = withStripeServer();

async function balanceOf(orgId: string): Promise<number> {
  const [b] = await rows<{ balance: number }>(
    sql`select balance::int as balance from credit_balances where org_id = ${orgId}`,
  );
  return b?.balance ?? 0;
}

/** A Stripe customer with a saved card, 1,000 credits, auto top-up below 500, and one crossing (balance 400). */
async function crossed(card: string) {
  const paymentMethod = `${card}_${uid()}`;
  const org = await makeOrg();
  const customer = `cus_${uid()}`;
  await db.update(organizations).set({ stripeCustomerId: customer }).where(eq(organizations.id, org.id));
  await upsertStripePaymentMethod(db, org.id, {
    id: paymentMethod,
    brand: "visa",
    last4: "4242",
    expMonth: 12,
    expYear: 2030,
    detached: false,
  });
  const pack = await insertCreditProduct({
    code: `atu-${uid()}`,
    name: "2,500 credits",
    credits: 2500,
    priceCents: 2000,
    currency: "usd",
  });
  await grantCredits(org.id, {
    amount: 1000,
    source: "promotional",
    expiresAt: null,
    reason: "s",
    idempotencyKey: uid(),
    actor: "t",
  });
  await setAutoTopUp(org.id, { enabled: true, thresholdCredits: 500, creditProductId: pack.id, maxPerMonth: 3 }, "t");
  await consumeCredits(org.id, { credits: 600, idempotencyKey: uid(), actor: "t" });
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, org.id), eq(jobs.kind, "credits.auto_top_up")));
  return { org, pack, customer, paymentMethod, job: job! };
}

const intentsFor = (orgId: string) =>
  stripe.requests.filter(
    (r) => r.method === "POST" && r.path === "/v1/payment_intents" && JSON.stringify(r.body).includes(orgId),
  );

describe("auto top-up on Stripe", () => {
  it("charges the saved card off-session once and grants the pack", async () => {
    const { org, customer, pack, paymentMethod, job } = await crossed("pm_card_visa");
    const first = await runAutoTopUp(org.id, job.payload);
    expect(first.outcome).toBe("succeeded");
    // The job runs again (its answer was lost, a replica retried it): nothing is charged twice.
    expect((await runAutoTopUp(org.id, job.payload)).outcome).toBe("replayed");
    const sent = intentsFor(org.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({
      amount: "2000",
      currency: "usd",
      customer,
      payment_method: paymentMethod,
      off_session: "true",
      confirm: "true",
      metadata: { tally_org_id: org.id, tally_credit_product_id: pack.id },
    });
    expect(sent[0]!.idempotencyKey).toBe(`tally-auto-top-up-${first.topUpId}`);
    expect(await balanceOf(org.id)).toBe(400 + 2500);
    const [paid] = await db.select().from(payments).where(eq(payments.orgId, org.id));
    expect(paid).toMatchObject({ provider: "stripe", kind: "credits", status: "succeeded", amountCents: 2000 });
  });

  it("sends the customer to finish a payment that needs authentication", async () => {
    const { org, job } = await crossed("pm_card_authenticationRequired");
    expect((await runAutoTopUp(org.id, job.payload)).outcome).toBe("requires_action");
    const [up] = await db.select().from(autoTopUps).where(eq(autoTopUps.orgId, org.id));
    expect(up).toMatchObject({ status: "requires_action" });
    expect(up!.providerPaymentId).toMatch(/^pi_/);
    const [alert] = await db.select().from(alerts).where(eq(alerts.orgId, org.id));
    expect(alert!.message).toMatch(/Automatic top-up needs you/);
    expect(await balanceOf(org.id)).toBe(400);
  });

  it("records a declined card as failed, with an alert, and charges nothing more", async () => {
    const { org, job } = await crossed("pm_card_chargeDeclined");
    expect((await runAutoTopUp(org.id, job.payload)).outcome).toBe("failed");
    expect((await runAutoTopUp(org.id, job.payload)).outcome).toBe("replayed");
    expect(intentsFor(org.id)).toHaveLength(1);
    const [up] = await db.select().from(autoTopUps).where(eq(autoTopUps.orgId, org.id));
    expect(up).toMatchObject({ status: "failed", message: "Your card was declined." });
    expect(await balanceOf(org.id)).toBe(400);
  });

  it("retries a charge whose answer was lost with the same key, and buys once", async () => {
    const { org, job } = await crossed("pm_card_visa");
    stripe.failAll(500, { afterEffect: true });
    await expect(runAutoTopUp(org.id, job.payload)).rejects.toThrow();
    stripe.failAll(null);
    expect((await runAutoTopUp(org.id, job.payload)).outcome).toBe("succeeded");
    const keys = new Set(intentsFor(org.id).map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
    expect(
      stripe.list("payment_intent").filter((p) => (p.metadata as Record<string, string>).tally_org_id === org.id),
    ).toHaveLength(1);
    expect(await balanceOf(org.id)).toBe(2900);
  });
});
