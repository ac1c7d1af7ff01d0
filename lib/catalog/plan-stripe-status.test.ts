import { describe, expect, it } from "vitest";
import type { Plan, StripePlanSnapshot } from "@/lib/db/schema/catalog";
import { planStripeStatus, stripeDifferences } from "./plan-stripe-status";

const seen: StripePlanSnapshot = {
  product_id: "prod_1",
  price_id: "price_1",
  name: "Pro",
  description: "For teams",
  unit_amount: 4900,
  currency: "usd",
  interval: "month",
  active: true,
  seen_at: "2026-12-01T00:00:00.000Z",
};
const plan = (over: Partial<Plan> = {}): Plan =>
  ({
    name: "Pro",
    description: "For teams",
    basePriceCents: 4900,
    currency: "usd",
    interval: "month",
    active: true,
    publishedAt: new Date("2026-11-01T00:00:00Z"),
    stripeProductId: "prod_1",
    stripePriceId: "price_1",
    stripeSnapshot: seen,
    ...over,
  }) as Plan;

describe("whether a plan is in step with its Stripe price", () => {
  it.each<[string, Partial<Plan>, string, string[]]>([
    ["never published", { stripePriceId: null, stripeSnapshot: null }, "not_published", []],
    ["linked before snapshots were kept", { stripeSnapshot: null }, "unknown", []],
    ["the same terms and labels", {}, "in_step", []],
    ["a new base price (a new version not yet published)", { basePriceCents: 5900 }, "out_of_step", ["unit_amount"]],
    ["renamed here", { name: "Pro 2" }, "out_of_step", ["name"]],
    ["an empty description is Stripe's none", { description: "" }, "out_of_step", ["description"]],
    ["taken off sale here, still sold at Stripe", { active: false }, "out_of_step", ["active"]],
    [
      "a draft whose price is archived",
      { active: false, publishedAt: null, stripeSnapshot: { ...seen, active: false } },
      "in_step",
      [],
    ],
    ["linked to another price than last seen", { stripePriceId: "price_2" }, "out_of_step", ["price"]],
    ["another currency and interval", { currency: "eur", interval: "year" }, "out_of_step", ["currency", "interval"]],
  ])("%s", (_name, over, status, fields) => {
    const p = plan(over);
    expect(planStripeStatus(p)).toBe(status);
    expect(stripeDifferences(p).map((d) => d.field)).toEqual(fields);
  });

  it("says what Stripe has and what the plan says", () => {
    expect(stripeDifferences(plan({ basePriceCents: 5900 }))).toEqual([
      { field: "unit_amount", stripe: "4900", plan: "5900" },
    ]);
  });
});
