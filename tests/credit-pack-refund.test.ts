// A refunded credit pack takes its credits back, through the signed Stripe webhook: its share of the
// pack for a partial refund, the rest for a full one, nothing more on redelivery or out of order,
// never credits already spent — and deferred revenue values what the buyer kept at the net price.
import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import * as webhook from "@/app/api/webhooks/stripe/route";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { getCreditBalance } from "@/lib/credits/balance";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { creditsDueForRefund } from "@/lib/credits/purchase-refund";
import { db } from "@/lib/db/client";
import { creditGrants, creditLedger, organizations, payments } from "@/lib/db/schema";
import { deferredRevenue } from "@/lib/revenue/credit-economics";
import { makeOrg, uid } from "./support/fixtures";
import { now } from "./support/stripe-server";
import { withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_test_refunds";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });
const sdk = new Stripe("sk_test_signing_only");

async function deliver(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  const headers = {
    "content-type": "application/json",
    "stripe-signature": sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
  };
  const res = await webhook.POST(
    new Request("http://tally.test/api/webhooks/stripe", { method: "POST", headers, body: payload }),
  );
  return { status: res.status, json: (await res.json()) as { outcome?: string } };
}

describe("the share of a pack a refund covers", () => {
  it.each([
    [1000, 1000, 0, 0],
    [1000, 1000, 500, 500],
    [1000, 1000, 1, 1],
    [1000, 999, 1, 1], // 1.001 credits: rounded down
    [1000, 999, 998, 998],
    [1000, 1000, 1000, 1000],
    [1000, 1000, 5000, 1000], // never more than the pack
    [3, 1000, 999, 2],
    [9_000_000_000, 4500, 4499, 8_998_000_000],
  ])("%i credits for %i cents, %i cents refunded → %i credits", (credits, paid, refunded, due) => {
    expect(creditsDueForRefund(credits, paid, refunded)).toBe(due);
  });
});

/** A pack bought through Checkout as Tally starts it (metadata and one line at the pack's price), paid. */
function buyPack(customer: string, orgId: string) {
  const metadata = { tally_org_id: orgId, tally_credit_product_id: packId };
  const session = stripe.createCheckoutSession({
    mode: "payment",
    customer,
    metadata,
    payment_intent_data: { metadata },
    line_items: [
      { price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "1,000 credits" } }, quantity: 1 },
    ],
  });
  return stripe.payCheckout(session.id);
}

let packId: string;

describe("a refunded credit pack", () => {
  let orgId: string;
  let customer: string;
  beforeAll(async () => {
    const pack = await insertCreditProduct({
      code: `pack-${uid()}`,
      name: "1,000 credits",
      credits: 1000,
      priceCents: 1000,
      currency: "usd",
    });
    packId = pack.id;
    orgId = (await makeOrg("Refunded")).id;
    customer = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} }).id as string;
    await db.update(organizations).set({ stripeCustomerId: customer }).where(eq(organizations.id, orgId));
  });

  it("gives back its share on a partial refund, the rest on a full one, and never what was spent", async () => {
    const bought = now() - 100; // seconds: the purchase event is 100 s old
    const { session, charge } = buyPack(customer, orgId);
    const pi = session.payment_intent as string;
    expect((await deliver(stripe.event("checkout.session.completed", session, bought))).json.outcome).toBe(
      "credits_granted",
    );
    await consumeCredits(orgId, { credits: 200, idempotencyKey: uid(), actor: "test" });
    expect((await getCreditBalance(orgId))!.balance).toBe(800);

    const half = stripe.event("charge.refunded", stripe.refundCharge(charge.id, 500));
    expect((await deliver(half)).json.outcome).toBe("refund_recorded_credits_taken_back");
    expect((await getCreditBalance(orgId))!.balance).toBe(300);
    // Redelivered, and a second event for the same cumulative refund: nothing more is taken.
    await deliver(half);
    await deliver(stripe.event("charge.refunded", stripe.objects.get(charge.id)!));
    expect((await getCreditBalance(orgId))!.balance).toBe(300);

    // $5.00 of credits kept: 300 unspent of the 500 kept are deferred revenue at $0.01 each.
    expect(await deferredRevenue("usd", new Date(Date.now() + 60_000))).toMatchObject({
      credits: 300,
      valueCents: 300,
    });

    // The full refund is due 1,000 credits; 500 were taken, 200 were spent: the last 300 go.
    const full = stripe.event("charge.refunded", stripe.refundCharge(charge.id, 500));
    expect((await deliver(full)).json.outcome).toBe("refund_recorded_credits_taken_back");
    expect((await getCreditBalance(orgId))!.balance).toBe(0);
    // The older event of the smaller refund arriving late takes nothing (the charge is re-read: fully refunded).
    expect((await deliver(stripe.event("charge.refunded", { ...charge, amount_refunded: 500 }))).json.outcome).toBe(
      "refund_recorded",
    );

    const [grant] = await db
      .select()
      .from(creditGrants)
      .where(and(eq(creditGrants.orgId, orgId), eq(creditGrants.reference, pi)));
    expect(grant).toMatchObject({ amount: 1000, remaining: 0 });
    const taken = await db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.orgId, orgId), eq(creditLedger.reference, `refund:${pi}`)));
    expect(taken.map((r) => [r.kind, r.bucketDelta, r.reason])).toEqual([
      ["adjustment", -500, "credit pack refunded"],
      ["adjustment", -300, "credit pack refunded"],
    ]);
    expect(await deferredRevenue("usd", new Date(Date.now() + 60_000))).toMatchObject({ credits: 0, valueCents: 0 });
    // Recomputed for an instant between the purchase and the refunds: the credits were there, and
    // the money kept for them is nothing (all of it refunded since) — zero, not a division by zero.
    const afterPurchase = await deferredRevenue("usd", new Date((bought + 10) * 1000));
    expect(afterPurchase.credits).toBe(1000);
    expect(Number.isFinite(afterPurchase.valueCents)).toBe(true);
    expect(afterPurchase.valueCents).toBe(0);
  });

  it("values a pack refunded in full before any spend at nothing, at any instant", async () => {
    const buyer = (await makeOrg("Refunded in full")).id;
    const cus = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} }).id as string;
    await db.update(organizations).set({ stripeCustomerId: cus }).where(eq(organizations.id, buyer));
    const bought = now() - 50;
    const { session, charge } = buyPack(cus, buyer);
    await deliver(stripe.event("checkout.session.completed", session, bought));
    const before = await deferredRevenue("usd", new Date((bought + 10) * 1000));
    await deliver(stripe.event("charge.refunded", stripe.refundCharge(charge.id, 1000)));
    expect((await getCreditBalance(buyer))!.balance).toBe(0);
    // Between the purchase and the refund the credits were there; the money kept for them is none.
    const after = await deferredRevenue("usd", new Date((bought + 10) * 1000));
    expect(after.credits).toBe(before.credits);
    expect(Number.isFinite(after.valueCents)).toBe(true);
    expect(after.valueCents).toBe(before.valueCents - 1000);
  });

  it("gives the credits back, once, when the refund fails at Stripe (re-read: a body saying so is not enough)", async () => {
    const buyer = (await makeOrg("Refund failed")).id;
    const cus = stripe.put({ id: `cus_${uid()}`, object: "customer", metadata: {} }).id as string;
    await db.update(organizations).set({ stripeCustomerId: cus }).where(eq(organizations.id, buyer));
    const { session, charge } = buyPack(cus, buyer);
    const pi = session.payment_intent as string;
    await deliver(stripe.event("checkout.session.completed", session));
    const refunded = stripe.refundCharge(charge.id, 500);
    expect((await deliver(stripe.event("charge.refunded", refunded))).json.outcome).toBe(
      "refund_recorded_credits_taken_back",
    );
    expect((await getCreditBalance(buyer))!.balance).toBe(500);

    // An event claiming the refund failed, while at Stripe it succeeded: nothing comes back.
    const refund = stripe.put({
      id: `re_${uid()}`,
      object: "refund",
      charge: charge.id,
      amount: 500,
      status: "succeeded",
    });
    const claimed = stripe.event("charge.refund.updated", { ...refund, status: "failed" });
    expect((await deliver(claimed)).json.outcome).toBe("refund_succeeded");
    expect((await getCreditBalance(buyer))!.balance).toBe(500);

    // The refund fails at Stripe: the charge is no longer refunded, and the 500 credits come back.
    stripe.put({ ...refund, status: "failed" });
    stripe.put({ ...stripe.objects.get(charge.id)!, amount_refunded: 0, refunded: false });
    const failed = stripe.event("charge.refund.updated", stripe.objects.get(refund.id)!);
    expect((await deliver(failed)).json.outcome).toBe("refund_failed_credits_restored");
    expect((await getCreditBalance(buyer))!.balance).toBe(1000);
    // Redelivered, announced again, and the refund's own late charge.refunded: nothing more moves.
    expect((await deliver(failed)).json).toMatchObject({ duplicate: true });
    expect((await deliver(stripe.event("charge.refund.updated", stripe.objects.get(refund.id)!))).json.outcome).toBe(
      "refund_failed_recorded",
    );
    expect((await deliver(stripe.event("charge.refunded", refunded))).json.outcome).toBe("refused_not_refunded");
    expect((await getCreditBalance(buyer))!.balance).toBe(1000);

    const [payment] = await db.select().from(payments).where(eq(payments.providerPaymentId, pi));
    expect(payment).toMatchObject({ status: "succeeded", amountRefundedCents: 0 });
    const moves = await db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.orgId, buyer), eq(creditLedger.reference, `refund:${pi}`)));
    expect(moves.map((r) => [r.bucketDelta, r.reason])).toEqual([
      [-500, "credit pack refunded"],
      [500, "credit pack refund failed"],
    ]);
  });

  it("leaves credits alone when the refunded payment bought no pack", async () => {
    const pi = stripe.createPaymentIntent({ customer, amount: 2900 });
    await deliver(stripe.event("payment_intent.succeeded", pi));
    const before = (await getCreditBalance(orgId))?.balance ?? 0;
    const charge = stripe.refundCharge(stripe.createCharge({ payment_intent: pi.id, customer, amount: 2900 }).id, 2900);
    const res = await deliver(stripe.event("charge.refunded", charge));
    expect(res).toMatchObject({ status: 200, json: { outcome: "refund_recorded" } });
    expect((await getCreditBalance(orgId))?.balance ?? 0).toBe(before);
  });
});
