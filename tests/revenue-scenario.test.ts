// A known subscription history, built through the real lifecycle code with explicit dates, and
// every revenue figure checked against values computed by hand (docs/metrics.md). The steps run
// in order and build on each other: each advances the calendar and checks what is true then.
//
// Plans: Free $0 (tier free), Basic $29/mo (basic), Pro $99/mo and Pro yearly $990/yr (pro),
// Team $49/mo with a 14-day trial (team).
//
// Timeline, 2026 (actions at 12:00 UTC, subscriptions start at 00:00 UTC):
//   Jan  2  H subscribes Free                         MRR H 0
//   Jan  5  E subscribes Basic                        E 29
//   Jan 10  A subscribes Basic                        A 29
//   Jan 15  F subscribes Pro, paying by sandbox card  F 99
//   Jan 20  B subscribes Pro                          B 99
//   Feb  1  D starts a 14-day Team trial              D 0 (trialing counts zero)
//   Feb  5  C subscribes Pro yearly                   C 990 / 12 = 82.50
//   Feb 10  E schedules cancellation at period end    (no change until it ends)
//   Feb 15  D's trial converts                        D 49
//   Feb 20  B schedules a downgrade to Basic          (no change until the period ends)
//   Mar  1  G subscribes Pro                          G 99
//   Mar  5  E's subscription ends                     E 0 (churn)
//   Mar 10  A upgrades to Pro now                     A 99
//   Mar 20  B's downgrade takes effect                B 29
//   Apr  1  G gets 20 % off                           G 79.20
//   Apr  1  F's card is replaced by a declining one
//   Apr 12  E subscribes Pro again                    E 99 (reactivation)
//   Apr 15  F's renewal is declined: past due         F 99 (past due stays in MRR)
//   Apr 20  F schedules cancellation
//   May 15  F's subscription ends                     F 0 (churn)
//   I is a customer without a subscription.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { BillingStatsJson, RevenueSeriesJson as SeriesJson } from "@/lib/revenue/schemas";
import * as statsRoute from "@/app/api/v1/admin/billing/stats/route";
import * as seriesRoute from "@/app/api/v1/admin/revenue/series/route";
import * as chargesRoute from "@/app/api/v1/admin/billing/recent-charges/route";
import * as subsRoute from "@/app/api/v1/admin/billing/subscriptions/route";
import { db } from "@/lib/db/client";
import { plans, subscriptions, type Plan } from "@/lib/db/schema";
import { cancelAtPeriodEnd, changePlan } from "@/lib/payments/lifecycle";
import { addSandboxCard, DECLINING_CARD } from "@/lib/payments/payment-methods";
import { recordPayment } from "@/lib/payments/record-payment";
import { recordHistory } from "@/lib/subscriptions/history";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, makeOrg, makePlan, platformKey } from "./support/fixtures";

const t = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
const noon = (day: string) => t(`${day}T12:00:00Z`);

let key: string;
let p: { free: Plan; basic: Plan; pro: Plan; proYearly: Plan; team: Plan };
const org: Record<"A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "I", string> = {
  A: "",
  B: "",
  C: "",
  D: "",
  E: "",
  F: "",
  G: "",
  H: "",
  I: "",
};

const stats = async () =>
  (await call<BillingStatsJson>(statsRoute.GET, "GET", "/api/v1/admin/billing/stats", { key })).json;
const sub = (o: string, plan: Plan, day: string, extra: { provider?: "local" } = {}) =>
  subscribe(o, { plan: { id: plan.id }, actor: "test", now: t(day), ...extra });
const roll = (day: string) => rollOverSubscriptions(t(day));

beforeAll(async () => {
  key = await platformKey();
  p = {
    free: await makePlan({ tier: "free", basePriceCents: 0 }),
    basic: await makePlan({ tier: "basic", basePriceCents: 2900 }),
    pro: await makePlan({ tier: "pro", basePriceCents: 9900 }),
    proYearly: await makePlan({ tier: "pro", basePriceCents: 99000, interval: "year" }),
    team: await makePlan({ tier: "team", basePriceCents: 4900, trialDays: 14 }),
  };
  for (const name of Object.keys(org) as (keyof typeof org)[]) org[name] = (await makeOrg(`Customer ${name}`)).id;
});

describe("revenue figures of a known history", () => {
  it("February 10: trialing counts zero MRR and a yearly plan one twelfth", async () => {
    await sub(org.H, p.free, "2026-01-02");
    await sub(org.E, p.basic, "2026-01-05");
    await sub(org.A, p.basic, "2026-01-10");
    await addSandboxCard(db, org.F, { number: "4242424242424242" });
    await sub(org.F, p.pro, "2026-01-15", { provider: "local" });
    await sub(org.B, p.pro, "2026-01-20");
    await sub(org.D, p.team, "2026-02-01");
    await roll("2026-02-05");
    await sub(org.C, p.proYearly, "2026-02-05");
    await roll("2026-02-10");
    await cancelAtPeriodEnd(org.E, "test", noon("2026-02-10"));

    const s = await stats();
    // Live: H free, E basic (cancel scheduled), A basic, F pro, B pro, D team (trial), C pro yearly.
    // MRR = E 29 + A 29 + F 99 + B 99 + C 990/12 (82.50) + D 0 (trialing) + H 0 = 338.50
    expect(s).toMatchObject({
      total_customers: 9,
      active_subscriptions: 6,
      trialing_subscriptions: 1,
      past_due_subscriptions: 0,
      paying_customers: 5,
      mrr_cents: 33850,
      // ARR = 12 × 338.50 = 4,062.00
      arr_cents: 406200,
      // ARPU = 338.50 / 5 paying = 67.70
      arpu_cents: 6770,
    });
    const team = s.tiers.find((x) => x.tier === "team");
    expect(team).toMatchObject({ subscriptions: 1, trialing: 1, active: 0, mrr_cents: 0 });
    // pro: F 99 + B 99 + C 82.50 = 280.50, three subscriptions; share 280.50 / 338.50 = 0.82866 → 0.8287
    expect(s.tiers.find((x) => x.tier === "pro")).toMatchObject({
      subscriptions: 3,
      active: 3,
      mrr_cents: 28050,
      mrr_share: "0.8287",
    });
  });

  it("April 20: a past-due subscription stays in MRR, and a discount reduces it", async () => {
    await roll("2026-02-20");
    await changePlan(org.B, p.basic.id, "test", noon("2026-02-20")); // a downgrade: scheduled for Mar 20
    await roll("2026-03-01");
    await sub(org.G, p.pro, "2026-03-01");
    await roll("2026-03-10"); // E ends Mar 5; A renews Mar 10
    await changePlan(org.A, p.pro.id, "test", noon("2026-03-10")); // an upgrade: now
    await roll("2026-04-01"); // B becomes Basic on Mar 20; G renews Apr 1
    await giveDiscount(org.G, "20", noon("2026-04-01"));
    await addSandboxCard(db, org.F, { number: DECLINING_CARD });
    await sub(org.E, p.pro, "2026-04-12");
    await roll("2026-04-20"); // F's Apr 15 renewal is declined
    await cancelAtPeriodEnd(org.F, "test", noon("2026-04-20"));

    const s = await stats();
    // Live: H 0, A 99, F 99 (past due), B 29, D 49, C 82.50, G 99 × 0.8 = 79.20, E 99 (new subscription)
    // MRR = 99 + 99 + 29 + 49 + 82.50 + 79.20 + 99 = 536.70
    expect(s).toMatchObject({
      active_subscriptions: 7,
      trialing_subscriptions: 0,
      past_due_subscriptions: 1,
      paying_customers: 7,
      mrr_cents: 53670,
      arr_cents: 644040,
    });
    // ARPU = 536.70 / 7 = 76.671… → 76.67
    expect(s.arpu_cents).toBe(7667);
  });

  it("May 20: the final figures, tier by tier", async () => {
    await roll("2026-05-20"); // F ends May 15
    const s = await stats();
    // Live: H free 0, E pro 99, A pro 99, B basic 29, D team 49, C pro yearly 82.50, G pro 79.20. F and E's first are canceled.
    // MRR = 99 + 99 + 29 + 49 + 82.50 + 79.20 = 437.70; ARR = 5,252.40; ARPU = 437.70 / 6 = 72.95
    expect(s).toMatchObject({
      currency: "usd",
      total_customers: 9,
      paying_customers: 6,
      active_subscriptions: 7,
      trialing_subscriptions: 0,
      past_due_subscriptions: 0,
      canceled_subscriptions: 2,
      mrr_cents: 43770,
      // The Ops Center guide's name for MRR, as a decimal.
      monthly_revenue: "437.70",
      trial_subscriptions: 0,
      arr_cents: 525240,
      arpu_cents: 7295,
    });
    // Tiers in catalog order (all sort_order 0 here, so by name).
    expect(s.tiers).toEqual([
      // shares of 437.70: 0 → 0.0000; 29 → 0.06625 → 0.0663; 359.70 → 0.82180 → 0.8218; 49 → 0.11195 → 0.1119
      expect.objectContaining({
        tier: "basic",
        subscriptions: 1,
        active: 1,
        paying: 1,
        mrr_cents: 2900,
        mrr_share: "0.0663",
      }),
      expect.objectContaining({
        tier: "free",
        subscriptions: 1,
        active: 1,
        paying: 0,
        mrr_cents: 0,
        mrr_share: "0.0000",
      }),
      // pro: E 99 + A 99 + C 82.50 + G 79.20 = 359.70
      expect.objectContaining({
        tier: "pro",
        subscriptions: 4,
        active: 4,
        paying: 4,
        mrr_cents: 35970,
        mrr_share: "0.8218",
      }),
      expect.objectContaining({
        tier: "team",
        subscriptions: 1,
        active: 1,
        paying: 1,
        mrr_cents: 4900,
        mrr_share: "0.1119",
      }),
    ]);
  });

  it("recomputes every month's movements, churn and retention from the history", async () => {
    const res = await call<SeriesJson>(seriesRoute.GET, "GET", "/api/v1/admin/revenue/series?from=2026-01&to=2026-05", {
      key,
    });
    expect(res.status).toBe(200);
    const m = Object.fromEntries(res.json.data.map((x) => [x.month, x]));
    expect(res.json.data.map((x) => x.month)).toEqual(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]);

    // January: E 29 + A 29 + F 99 + B 99 new = 256.00. No customer at the start: rates undefined.
    expect(m["2026-01"]).toMatchObject({
      starting_mrr_cents: 0,
      new_mrr_cents: 25600,
      expansion_mrr_cents: 0,
      contraction_mrr_cents: 0,
      churned_mrr_cents: 0,
      reactivation_mrr_cents: 0,
      ending_mrr_cents: 25600,
      customers_at_start: 0,
      customers_at_end: 4,
      new_customers: 4,
      logo_churn_rate: null,
      revenue_churn_rate: null,
      net_revenue_retention: null,
    });
    // February: C 82.50 (Feb 5) + D 49 (trial converts Feb 15) new = 131.50; ending 256 + 131.50 = 387.50.
    // Cohort E, A, F, B: nothing lost, 256 retained of 256 → NRR 1.0000.
    expect(m["2026-02"]).toMatchObject({
      starting_mrr_cents: 25600,
      new_mrr_cents: 13150,
      churned_mrr_cents: 0,
      ending_mrr_cents: 38750,
      customers_at_start: 4,
      customers_at_end: 6,
      new_customers: 2,
      churned_customers: 0,
      logo_churn_rate: "0.0000",
      revenue_churn_rate: "0.0000",
      net_revenue_retention: "1.0000",
    });
    // March: G new 99 (Mar 1); E churned 29 (Mar 5); A expansion 70 (Mar 10); B contraction 70 (Mar 20).
    // Ending 387.50 + 99 − 29 + 70 − 70 = 457.50.
    // Logo churn: 1 (E) of 6 at the start = 0.16666… → 0.1667.
    // Revenue churn: (29 churned + 70 contraction) / 387.50 = 0.25548… → 0.2555.
    // NRR: the cohort's end MRR A 99 + F 99 + B 29 + D 49 + C 82.50 + E 0 = 358.50 / 387.50 = 0.92516… → 0.9252.
    expect(m["2026-03"]).toMatchObject({
      starting_mrr_cents: 38750,
      new_mrr_cents: 9900,
      expansion_mrr_cents: 7000,
      contraction_mrr_cents: 7000,
      churned_mrr_cents: 2900,
      reactivation_mrr_cents: 0,
      net_new_mrr_cents: 7000,
      ending_mrr_cents: 45750,
      customers_at_start: 6,
      customers_at_end: 6,
      new_customers: 1,
      churned_customers: 1,
      logo_churn_rate: "0.1667",
      revenue_churn_rate: "0.2555",
      net_revenue_retention: "0.9252",
    });
    // April: G contraction 99 − 79.20 = 19.80 (discount); E reactivation 99 (Apr 12); F past due: no movement.
    // Ending 457.50 − 19.80 + 99 = 536.70. Revenue churn 19.80 / 457.50 = 0.04327… → 0.0433.
    // NRR: A 99 + F 99 + B 29 + D 49 + C 82.50 + G 79.20 = 437.70 / 457.50 = 0.95672… → 0.9567.
    expect(m["2026-04"]).toMatchObject({
      starting_mrr_cents: 45750,
      new_mrr_cents: 0,
      expansion_mrr_cents: 0,
      contraction_mrr_cents: 1980,
      churned_mrr_cents: 0,
      reactivation_mrr_cents: 9900,
      ending_mrr_cents: 53670,
      customers_at_start: 6,
      customers_at_end: 7,
      reactivated_customers: 1,
      churned_customers: 0,
      logo_churn_rate: "0.0000",
      revenue_churn_rate: "0.0433",
      net_revenue_retention: "0.9567",
    });
    // May: F churned 99 (May 15), past due until then. Ending 536.70 − 99 = 437.70 (= the stats' MRR now).
    // Logo churn 1 / 7 = 0.14285… → 0.1429; revenue churn 99 / 536.70 = 0.18446… → 0.1845; NRR 437.70 / 536.70 = 0.81553… → 0.8155.
    expect(m["2026-05"]).toMatchObject({
      starting_mrr_cents: 53670,
      churned_mrr_cents: 9900,
      ending_mrr_cents: 43770,
      arr_cents: 525240,
      customers_at_start: 7,
      customers_at_end: 6,
      churned_customers: 1,
      logo_churn_rate: "0.1429",
      revenue_churn_rate: "0.1845",
      net_revenue_retention: "0.8155",
    });
    expect(m["2026-05"]!.ending_mrr_cents).toBe((await stats()).mrr_cents);
  });

  it("any past month is recomputed alike on its own", async () => {
    const res = await call<SeriesJson>(seriesRoute.GET, "GET", "/api/v1/admin/revenue/series?from=2026-03&to=2026-03", {
      key,
    });
    expect(res.json.data).toEqual([
      expect.objectContaining({
        month: "2026-03",
        starting_mrr_cents: 38750,
        ending_mrr_cents: 45750,
        net_revenue_retention: "0.9252",
      }),
    ]);
  });

  it("lists the card payments newest first, the declined renewal and a refund among them", async () => {
    // F paid Jan 15, Feb 15 and Mar 15 by card; Apr 15 was declined. Refund 10.00 of February's.
    const before = await call<{ data: { id: string; provider_payment_id: string; created_at: string }[] }>(
      chargesRoute.GET,
      "GET",
      "/api/v1/admin/billing/recent-charges?limit=20",
      { key },
    );
    const feb = before.json.data.find((c) => c.created_at.startsWith("2026-02-15"))!;
    await recordPayment(db, {
      orgId: org.F,
      provider: "local",
      providerPaymentId: feb.provider_payment_id,
      kind: "subscription",
      status: "partially_refunded",
      amountCents: 9900,
      amountRefundedCents: 1000,
      currency: "usd",
      description: "refund",
      createdAt: t("2026-02-15"),
    });
    const res = await call<{
      data: {
        status: string;
        amount_cents: number;
        amount_refunded_cents: number;
        net_cents: number;
        customer_id: string;
        created_at: string;
      }[];
    }>(chargesRoute.GET, "GET", "/api/v1/admin/billing/recent-charges?limit=20", { key });
    expect(
      res.json.data.map((c) => [
        c.created_at.slice(0, 10),
        c.status,
        c.amount_cents,
        c.amount_refunded_cents,
        c.net_cents,
      ]),
    ).toEqual([
      ["2026-04-15", "failed", 9900, 0, 0],
      ["2026-03-15", "succeeded", 9900, 0, 9900],
      ["2026-02-15", "partially_refunded", 9900, 1000, 8900],
      ["2026-01-15", "succeeded", 9900, 0, 9900],
    ]);
    expect(new Set(res.json.data.map((c) => c.customer_id))).toEqual(new Set([org.F]));
  });

  it("filters subscriptions by status, each with its MRR", async () => {
    const canceled = await call<{ data: { customer_id: string; mrr_cents: number }[] }>(
      subsRoute.GET,
      "GET",
      "/api/v1/admin/billing/subscriptions?status=canceled&limit=100",
      { key },
    );
    expect(canceled.json.data.map((s) => s.customer_id).sort()).toEqual([org.E, org.F].sort());
    expect(canceled.json.data.every((s) => s.mrr_cents === 0)).toBe(true);
    const active = await call<{ data: { customer_id: string; mrr_cents: number }[] }>(
      subsRoute.GET,
      "GET",
      "/api/v1/admin/billing/subscriptions?status=active&sort=mrr&order=desc&limit=100",
      { key },
    );
    expect(active.json.data.map((s) => s.mrr_cents)).toEqual([9900, 9900, 8250, 7920, 4900, 2900, 0]);
  });
});

/** Sets a discount and records it, as an operator's discount change would. */
async function giveDiscount(orgId: string, percent: string, at: Date) {
  await db.transaction(async (tx) => {
    const [s] = await tx
      .update(subscriptions)
      .set({ discountPercent: percent, updatedAt: at })
      .where(eq(subscriptions.orgId, orgId))
      .returning();
    const [plan] = await tx.select().from(plans).where(eq(plans.id, s!.planId));
    await recordHistory(tx, s!, plan!, "discount_changed", {
      fromStatus: s!.status,
      actor: "test",
      occurredAt: at,
      details: { discount_percent: percent },
    });
  });
}
