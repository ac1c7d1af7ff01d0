// The demo's revenue history: the dashboard shows a believable year out of the box, consistent
// between today's figures and the recomputed months, and nothing the seed wrote is due for the
// rollover job (it would otherwise bill the past again).
import { describe, expect, it } from "vitest";
import { seedDemo } from "@/lib/seed/demo";
import { revenueSeries, seriesJson } from "@/lib/revenue/series";
import { billingStats, billingStatsJson } from "@/lib/revenue/stats";
import { countDue } from "@/lib/subscriptions/rollover";
import { listCharges } from "@/lib/revenue/lists";

const now = new Date("2026-11-23T10:00:00Z");

describe("demo revenue", () => {
  it("seeds a year of subscriptions whose figures add up", async () => {
    expect(await seedDemo(now)).toEqual({ seeded: true });
    const s = billingStatsJson(await billingStats({ now }));
    // Paying: Acme Professional 99, Initech Professional 99 (upgraded), Umbrella Enterprise yearly 2,990 / 12 = 249.1666…,
    // Hooli Starter 29 (back after churning), Stark Professional 99 − 20 % = 79.20, Wayne Professional 99 (downgraded),
    // Vandelay Starter 29 (past due), Massive Dynamic Professional yearly 990 / 12 = 82.50.
    // MRR = 765.8666… → 765.87; ARR = 9,190.40. Trialing: Globex and Pied Piper.
    expect(s).toMatchObject({
      total_customers: 11,
      paying_customers: 8,
      trialing_subscriptions: 2,
      past_due_subscriptions: 1,
      mrr_cents: 76587,
      arr_cents: 919040,
    });
    expect(await countDue(now)).toBe(0);

    const series = seriesJson(await revenueSeries({ now }));
    expect(series.data).toHaveLength(12);
    const total = (
      k:
        | "new_mrr_cents"
        | "expansion_mrr_cents"
        | "contraction_mrr_cents"
        | "churned_mrr_cents"
        | "reactivation_mrr_cents",
    ) => series.data.reduce((a, m) => a + m[k], 0);
    // Every kind of movement happens in the demo year.
    for (const k of [
      "new_mrr_cents",
      "expansion_mrr_cents",
      "contraction_mrr_cents",
      "churned_mrr_cents",
      "reactivation_mrr_cents",
    ] as const)
      expect(total(k), k).toBeGreaterThan(0);
    // Initech +70 (Starter → Professional); Stark −19.80 (discount) and Wayne −200 (Enterprise → Professional); Hooli and Soylent churn 99 + 29; Hooli returns at 29.
    expect(total("expansion_mrr_cents")).toBe(7000);
    expect(total("contraction_mrr_cents")).toBe(1980 + 20000);
    expect(total("churned_mrr_cents")).toBe(9900 + 2900);
    expect(total("reactivation_mrr_cents")).toBe(2900);
    expect(series.data[11]!.ending_mrr_cents).toBe(s.mrr_cents);

    // Packs: Initech 5k $45.00, Stark 20k $160.00, Umbrella 1k $10.00; Wayne's 1k refunded in full nets $0.
    expect(series.data.reduce((a, m) => a + m.credit_pack_revenue_cents, 0)).toBe(4500 + 16000 + 1000);

    const charges = await listCharges({ limit: 100 });
    expect(charges.rows.some((c) => c.status === "failed")).toBe(true);
    expect(charges.rows.some((c) => c.amountRefundedCents > 0)).toBe(true);
  });
});
