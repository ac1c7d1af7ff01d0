// What FlexPrice's and Lago's price models become in Tally (the pure mappings), and what is skipped.
import { describe, expect, it } from "vitest";
import { flexPrice, flexPlan, flexMeter } from "@/tests/support/flexprice-server";
import { lagoMetric, lagoPlan, lagoStandardCharge } from "@/tests/support/lago-server";
import { mapFlexPrice } from "./flexprice-map";
import type { FlexPriceData } from "./flexprice-client";
import { mapLago } from "./lago-map";
import type { LagoData } from "./lago-client";

const flex = (price: Record<string, unknown>) =>
  mapFlexPrice({
    meters: [flexMeter("m1", "calls", "COUNT", null)],
    plans: [flexPlan("p1", "P")],
    prices: [{ ...flexPrice("pr1", "p1", { type: "USAGE", amount: "0.5", meter_id: "m1" }), ...price }],
    customers: [],
    subscriptions: [],
    wallets: [],
  } as unknown as FlexPriceData);

describe("FlexPrice prices", () => {
  it.each([
    ["a flat fee per unit", {}, { model: "per_unit", unit_price: "0.5" }],
    [
      "a package of 1,000",
      { billing_model: "PACKAGE", transform_quantity: { divide_by: 1000, round: "up" } },
      { model: "package", package_size: 1000, package_price: "0.5" },
    ],
    [
      "slab tiers, graduated",
      {
        billing_model: "TIERED",
        tier_mode: "SLAB",
        tiers: [
          { up_to: 100, unit_amount: "0.10", flat_amount: "0" },
          { up_to: null, unit_amount: "0.05", flat_amount: "2" },
        ],
      },
      {
        model: "graduated",
        tiers: [
          { up_to: 100, unit_price: "0.10" },
          { up_to: null, unit_price: "0.05", flat_amount: "2" },
        ],
      },
    ],
    [
      "volume tiers",
      { billing_model: "TIERED", tier_mode: "VOLUME", tiers: [{ up_to: null, unit_amount: "0.01" }] },
      { model: "volume", tiers: [{ up_to: null, unit_price: "0.01" }] },
    ],
  ])("%s", (_, price, model) => {
    const b = flex(price);
    expect(b.plans[0]!.charges).toEqual([{ type: "usage", meter: "calls", ...model }]);
  });

  it("a fee paid in advance is the base price; a fixed fee in arrears a fixed charge", () => {
    const b = mapFlexPrice({
      meters: [],
      plans: [flexPlan("p1", "P")],
      prices: [
        flexPrice("a", "p1", { type: "FIXED", amount: "29.00" }),
        flexPrice("b", "p1", { type: "FIXED", amount: "1.50" }),
        { ...flexPrice("c", "p1", { type: "FIXED", amount: "5", display_name: "Support" }), invoice_cadence: "ARREAR" },
      ],
      customers: [],
      subscriptions: [],
      wallets: [],
    } as unknown as FlexPriceData);
    expect(b.plans[0]).toMatchObject({
      base_price: "30.5",
      charges: [{ type: "fixed", name: "Support", amount: "5" }],
    });
  });

  it.each([
    ["a one-time fee", { type: "FIXED", billing_cadence: "ONETIME" }, /one-time/],
    ["a price on filter values", { filter_values: { region: ["eu"] } }, /filter values/],
    [
      "packages rounded down",
      { billing_model: "PACKAGE", transform_quantity: { divide_by: 10, round: "down" } },
      /down/,
    ],
    ["every 3 months", { billing_period_count: 3 }, /every 3 periods/],
  ])("skips the plan with %s, saying why", (_, price, reason) => {
    const b = flex(price);
    expect(b.plans).toEqual([]);
    expect(b.skipped).toEqual([
      expect.objectContaining({ kind: "plan", sourceId: "p1", reason: expect.stringMatching(reason) }),
    ]);
  });
});

const lago = (charge: Record<string, unknown>, metric = lagoMetric("bm1", "tokens")) =>
  mapLago({
    metrics: [metric],
    plans: [
      lagoPlan("pl1", "pro", {
        amount_cents: 1999,
        charges: [{ ...lagoStandardCharge("c1", "tokens", "0.1"), ...charge }],
      }),
    ],
    customers: [],
    subscriptions: [],
    wallets: [],
  } as unknown as LagoData);

describe("Lago charges", () => {
  it.each([
    ["standard", {}, { model: "per_unit", unit_price: "0.1" }],
    [
      "package with free units",
      { charge_model: "package", properties: { amount: "5", package_size: 100, free_units: 50 } },
      { model: "package", package_size: 100, package_price: "5", included_quantity: "50" },
    ],
    [
      "graduated ranges",
      {
        charge_model: "graduated",
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 10, per_unit_amount: "0", flat_amount: "0" },
            { from_value: 11, to_value: null, per_unit_amount: "0.5", flat_amount: "1" },
          ],
        },
      },
      {
        model: "graduated",
        tiers: [
          { up_to: 10, unit_price: "0" },
          { up_to: null, unit_price: "0.5", flat_amount: "1" },
        ],
      },
    ],
  ])("%s", (_, charge, model) => {
    const b = lago(charge);
    expect(b.plans[0]).toMatchObject({ importId: "lago:pro", base_price: "19.99", currency: "usd" });
    expect(b.plans[0]!.charges).toEqual([{ type: "usage", meter: "tokens", ...model }]);
  });

  it("skips a percentage charge's plan, and a weighted metric with the plans on it", () => {
    expect(lago({ charge_model: "percentage", properties: { rate: "1" } }).skipped[0]!.reason).toMatch(/percentage/);
    const b = lago({}, lagoMetric("bm1", "tokens", "weighted_sum_agg", "v"));
    expect(b.skipped.map((s) => s.kind)).toEqual(["meter", "plan"]);
    expect(b.skipped[1]!.reason).toMatch(/metric tokens was not imported/);
  });
});
