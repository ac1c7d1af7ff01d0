import { describe, expect, it } from "vitest";
import { changePercent } from "./summarize";
import { monthFeeCents, rateMonth, type Terms } from "./terms";

const terms = (over: Partial<Terms> = {}): Terms => ({
  planId: "plan_x",
  label: "X",
  version: 1,
  interval: "month",
  currency: "usd",
  basePriceCents: 2900,
  charges: [],
  ...over,
});

describe("a simulated month", () => {
  it("charges a yearly plan's twelfth, rounded half-up once", () => {
    expect(monthFeeCents(terms({ interval: "year", basePriceCents: 29_000 }))).toBe(2417); // 241.666… → 241.67
    expect(monthFeeCents(terms({ interval: "year", basePriceCents: 1_000, currency: "jpy" }))).toBe(83);
    expect(monthFeeCents(terms())).toBe(2900);
  });

  it("rounds each usage line once, as the invoice does, not the sum of the lines", () => {
    const t = terms({
      basePriceCents: 0,
      charges: [
        { type: "usage", meter: "a", model: "per_unit", unit_price: "0.005" },
        { type: "usage", meter: "b", model: "per_unit", unit_price: "0.005" },
      ],
    });
    // 0.005 + 0.005: each line rounds up to a cent (2 cents), where the exact sum would be 1 cent.
    expect(rateMonth(t, { a: "1", b: "1" })).toEqual({ feeCents: 0, usageCents: 2 });
    expect(rateMonth(t, {})).toEqual({ feeCents: 0, usageCents: 0 });
  });
});

describe("change percent", () => {
  it("is exact to one place, signed, and null when nothing was paid before", () => {
    expect(changePercent(3000, 4500)).toBe("50.0");
    expect(changePercent(33_000, 19_500)).toBe("-40.9");
    expect(changePercent(3, 4)).toBe("33.3");
    expect(changePercent(100, 100)).toBe("0.0");
    expect(changePercent(0, 100)).toBeNull();
  });
});
