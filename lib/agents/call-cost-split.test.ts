import { describe, expect, test } from "vitest";
import { ratePlan, type Charge } from "@/lib/rating";
import { callCostSplitJson, splitCallCost } from "./call-cost-split";

const flexPlan: Charge[] = [
  { type: "usage", meter: "voice_minutes", model: "per_unit", unit_price: "0.05" },
  { type: "usage", meter: "api_calls", model: "per_unit", unit_price: "0.01" },
  { type: "fixed", name: "Monthly Fee", amount: "10.00" },
];

describe("splitCallCost", () => {
  test("the FlexPrice call: 10.38 in all, of which 0.375 → 0.38 is usage and 10.00 the plan's fixed charges", () => {
    const rated = ratePlan(flexPlan, { voice_minutes: "5.5", api_calls: "10" }, "usd");
    expect(rated.amount_minor).toBe(1038);
    expect(splitCallCost(rated.lines, "usd")).toEqual({
      usageExact: "0.375",
      usageCents: 38,
      fixedExact: "10",
      fixedCents: 1000,
    });
    expect(callCostSplitJson(rated.lines, "usd")).toMatchObject({
      usage_cost: "0.38",
      usage_cost_exact: "0.375",
      fixed_charges: "10.00",
      fixed_charges_cents: 1000,
    });
  });

  test.each([
    {
      name: "a plan without fixed charges: all of it is usage",
      lines: [{ type: "usage" as const, amount: "1.5" }],
      usage: 150,
      fixed: 0,
    },
    { name: "no lines: nothing", lines: [], usage: 0, fixed: 0 },
    {
      name: "yen: no minor unit",
      lines: [
        { type: "usage" as const, amount: "10.5" },
        { type: "fixed" as const, amount: "100" },
      ],
      usage: 11,
      fixed: 100,
      currency: "jpy",
    },
  ])("$name", ({ lines, usage, fixed, currency }) => {
    expect(splitCallCost(lines, currency ?? "usd")).toMatchObject({ usageCents: usage, fixedCents: fixed });
  });

  test("an unpriced call answers nulls, not zeros", () => {
    expect(callCostSplitJson(null, null).usage_cost).toBeNull();
  });
});
