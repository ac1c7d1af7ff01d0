// Credit economics of a month, against hand-computed values: credit pack revenue net of refunds,
// deferred revenue of unspent prepaid credits valued at the price paid (now and at a past
// instant), breakage, and credits granted versus consumed per tier.
//
// March 2026. Packs: 5,000 credits for $45.00, 1,000 credits for $10.00.
//   Mar  3  X pays $45.00 for 5,000 credits (payment py_x)
//   Mar  4  X gets 200 promotional credits expiring Mar 20
//   Mar  5  Y pays $10.00 for 1,000 credits (payment py_y); $4.00 is refunded later
//   Mar  6  Z is granted a 1,000-credit pack by an admin (no payment row: valued at the list price, $10.00)
//   Mar 10  X spends 1,200 credits (purchased credits first)
//   Mar 12  Z spends 333 credits
//   Mar 21  the expiry job writes off X's 200 promotional credits
import { beforeAll, describe, expect, it } from "vitest";
import type { EconomicsJson, RevenueSeriesJson as SeriesJson } from "@/lib/revenue/schemas";
import * as economicsRoute from "@/app/api/v1/admin/revenue/economics/route";
import * as seriesRoute from "@/app/api/v1/admin/revenue/series/route";
import { insertCreditEvent, insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { expireDueCredits } from "@/lib/credits/expire-credits";
import { grantCredits, grantPurchasedCredits } from "@/lib/credits/grant-credits";
import { db } from "@/lib/db/client";
import { recordPayment } from "@/lib/payments/record-payment";
import { deferredRevenue } from "@/lib/revenue/credit-economics";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";

const t = (iso: string) => new Date(`${iso}T12:00:00Z`);
let key: string;
const org = { X: "", Y: "", Z: "" };

beforeAll(async () => {
  key = await platformKey();
  const event = `unit_${uid()}`;
  await insertCreditEvent({ code: event, name: "One credit", credits: 1 });
  const big = await insertCreditProduct({
    code: `p5k-${uid()}`,
    name: "5k",
    credits: 5000,
    priceCents: 4500,
    currency: "usd",
  });
  const small = await insertCreditProduct({
    code: `p1k-${uid()}`,
    name: "1k",
    credits: 1000,
    priceCents: 1000,
    currency: "usd",
  });
  org.X = (await makeOrg("X")).id;
  org.Y = (await makeOrg("Y")).id;
  org.Z = (await makeOrg("Z")).id;

  await recordPayment(db, {
    orgId: org.X,
    provider: "local",
    providerPaymentId: "py_x",
    kind: "credits",
    status: "succeeded",
    amountCents: 4500,
    currency: "usd",
    description: "5k",
    creditProductId: big.id,
    createdAt: t("2026-03-03"),
  });
  await grantPurchasedCredits(org.X, {
    creditProductId: big.id,
    paymentId: "py_x",
    actor: "test",
    now: t("2026-03-03"),
  });
  await grantCredits(org.X, {
    amount: 200,
    source: "promotional",
    expiresAt: t("2026-03-20"),
    reason: "promo",
    idempotencyKey: `promo-${uid()}`,
    actor: "test",
    now: t("2026-03-04"),
  });
  await recordPayment(db, {
    orgId: org.Y,
    provider: "local",
    providerPaymentId: "py_y",
    kind: "credits",
    status: "succeeded",
    amountCents: 1000,
    currency: "usd",
    description: "1k",
    creditProductId: small.id,
    createdAt: t("2026-03-05"),
  });
  await grantPurchasedCredits(org.Y, {
    creditProductId: small.id,
    paymentId: "py_y",
    actor: "test",
    now: t("2026-03-05"),
  });
  await recordPayment(db, {
    orgId: org.Y,
    provider: "local",
    providerPaymentId: "py_y",
    kind: "credits",
    status: "partially_refunded",
    amountCents: 1000,
    amountRefundedCents: 400,
    currency: "usd",
    description: "1k",
    createdAt: t("2026-03-05"),
  });
  await grantPurchasedCredits(org.Z, {
    creditProductId: small.id,
    paymentId: "admin-recorded-1",
    actor: "test",
    now: t("2026-03-06"),
  });
  await consumeCredits(org.X, {
    eventName: event,
    quantity: "1200",
    idempotencyKey: `x-${uid()}`,
    actor: "test",
    now: t("2026-03-10"),
  });
  await consumeCredits(org.Z, {
    eventName: event,
    quantity: "333",
    idempotencyKey: `z-${uid()}`,
    actor: "test",
    now: t("2026-03-12"),
  });
  await expireDueCredits(t("2026-03-21"));
});

describe("credit economics of March", () => {
  it("reports pack revenue net of refunds, deferred revenue at the month's end, breakage and credits per tier", async () => {
    const res = await call<EconomicsJson>(economicsRoute.GET, "GET", "/api/v1/admin/revenue/economics?month=2026-03", {
      key,
    });
    expect(res.status).toBe(200);
    // Packs: X 45.00 + Y 10.00 = 55.00 gross, 4.00 refunded, 51.00 net (Z's admin-recorded pack has no payment).
    expect(res.json.credit_packs).toEqual({ packs_sold: 2, gross_cents: 5500, refunded_cents: 400, net_cents: 5100 });
    // Deferred at Apr 1: X 3,800 left × 4500/5000 = 34.20; Y 1,000 × (1000 − 400)/1000 = 6.00;
    // Z 667 × 1000/1000 (list price) = 6.67. Total 46.87 for 5,467 credits.
    expect(res.json.deferred_revenue).toEqual({
      as_of: "2026-04-01T00:00:00.000Z",
      credits: 5467,
      value_cents: 4687,
      unpriced_credits: 0,
    });
    // Breakage: X's 200 promotional credits; no purchased credits expired.
    expect(res.json.breakage).toEqual({
      credits: { purchased: 0, subscription: 0, promotional: 200 },
      total_credits: 200,
      purchased_value_cents: 0,
    });
    // No subscriptions: one "(none)" tier. Granted 5,000 + 1,000 + 1,000 purchased, 200 promotional;
    // consumed 1,200 + 333 = 1,533 (1,533 / 7,200 = 0.21291… → 0.2129); expired 200.
    expect(res.json.credits_by_tier).toEqual([
      {
        tier: "(none)",
        name: "(none)",
        customers: 3,
        granted: { purchased: 7000, subscription: 0, promotional: 200, total: 7200 },
        consumed: 1533,
        expired: 200,
        consumed_rate: "0.2129",
      },
    ]);
    // Revenue per customer is the pack money (no MRR, no usage); no token usage, so no cost.
    expect(res.json.tiers).toEqual([
      expect.objectContaining({
        tier: "(none)",
        customers: 2,
        credit_pack_revenue_cents: 5100,
        revenue_cents: 5100,
        cost_cents: 0,
        margin_cents: 5100,
        margin_rate: "1.0000",
      }),
    ]);
    expect(res.json.customers.map((c) => [c.customer_id, c.revenue_cents])).toEqual([
      [org.X, 4500],
      [org.Y, 600],
    ]);
  });

  it("recomputes deferred revenue at a past instant from the ledger", async () => {
    // Mar 8, before any spending: X 5,000 × 0.9 = 45.00; Y 6.00; Z 10.00 → 61.00 for 7,000 credits.
    expect(await deferredRevenue("usd", t("2026-03-08"))).toMatchObject({ credits: 7000, valueCents: 6100 });
    // Mar 4, after X's purchase only: 45.00.
    expect(await deferredRevenue("usd", t("2026-03-04"))).toMatchObject({ credits: 5000, valueCents: 4500 });
  });

  it("reports pack revenue beside MRR in the monthly series, not in it", async () => {
    const res = await call<SeriesJson>(seriesRoute.GET, "GET", "/api/v1/admin/revenue/series?from=2026-02&to=2026-03", {
      key,
    });
    expect(res.json.data.map((m) => [m.month, m.ending_mrr_cents, m.credit_pack_revenue_cents])).toEqual([
      ["2026-02", 0, 0],
      ["2026-03", 0, 5100],
    ]);
  });
});
