import { describe, expect, it } from "vitest";
import { D } from "@/lib/money";
import { arpuMinor, arrMinor, mrrMinor, mrrTwelfths, ratio, twelfthsToMinor, type MrrInput } from "./mrr";

const sub = (over: Partial<MrrInput> = {}): MrrInput => ({
  status: "active",
  interval: "month",
  basePriceCents: 2900,
  discountPercent: "0",
  ...over,
});

describe("MRR of one subscription (docs/metrics.md)", () => {
  const cases: { rule: string; input: MrrInput; twelfths: string; minor: number }[] = [
    { rule: "a monthly plan counts its price", input: sub(), twelfths: "34800", minor: 2900 },
    {
      rule: "a yearly plan counts one twelfth of its price",
      input: sub({ interval: "year", basePriceCents: 29000 }),
      twelfths: "29000",
      minor: 2417,
    },
    {
      rule: "a yearly plan's twelfth rounds half-up once (99000 / 12 = 8250 exactly)",
      input: sub({ interval: "year", basePriceCents: 99000 }),
      twelfths: "99000",
      minor: 8250,
    },
    {
      rule: "a yearly plan's twelfth below one half rounds down (100 / 12 = 8.33)",
      input: sub({ interval: "year", basePriceCents: 100 }),
      twelfths: "100",
      minor: 8,
    },
    {
      rule: "a yearly plan's twelfth at exactly one half rounds up (6 / 12 = 0.5)",
      input: sub({ interval: "year", basePriceCents: 6 }),
      twelfths: "6",
      minor: 1,
    },
    { rule: "trialing counts zero", input: sub({ status: "trialing", basePriceCents: 9900 }), twelfths: "0", minor: 0 },
    {
      rule: "recurring add-ons add their fee, undiscounted (a coupon takes off the plan fee only)",
      input: sub({ discountPercent: "50", addonCents: 1000 }),
      twelfths: "29400",
      minor: 2450,
    },
    {
      rule: "a free plan with a paid add-on counts the add-on",
      input: sub({ basePriceCents: 0, interval: "year", addonCents: 1200 }),
      twelfths: "1200",
      minor: 100,
    },
    {
      rule: "a trial's add-ons count zero",
      input: sub({ status: "trialing", addonCents: 1000 }),
      twelfths: "0",
      minor: 0,
    },
    {
      rule: "past due stays in MRR",
      input: sub({ status: "past_due", basePriceCents: 9900 }),
      twelfths: "118800",
      minor: 9900,
    },
    { rule: "canceled counts zero", input: sub({ status: "canceled" }), twelfths: "0", minor: 0 },
    { rule: "expired counts zero", input: sub({ status: "expired" }), twelfths: "0", minor: 0 },
    { rule: "incomplete (never paid) counts zero", input: sub({ status: "incomplete" }), twelfths: "0", minor: 0 },
    { rule: "a free plan counts zero", input: sub({ basePriceCents: 0 }), twelfths: "0", minor: 0 },
    {
      rule: "a discount reduces MRR (20 % off 99.00 = 79.20)",
      input: sub({ basePriceCents: 9900, discountPercent: "20" }),
      twelfths: "95040",
      minor: 7920,
    },
    {
      rule: "a fractional discount stays exact (12.5 % off 29.00 = 25.375 → 25.38)",
      input: sub({ discountPercent: "12.5" }),
      twelfths: "30450",
      minor: 2538,
    },
    {
      rule: "a discount on a yearly plan (10 % off 990.00 / 12 = 74.25)",
      input: sub({ interval: "year", basePriceCents: 99000, discountPercent: "10" }),
      twelfths: "89100",
      minor: 7425,
    },
    { rule: "a 100 % discount counts zero", input: sub({ discountPercent: "100" }), twelfths: "0", minor: 0 },
    {
      rule: "a discount above 100 % is clamped to 100 %",
      input: sub({ discountPercent: "150" }),
      twelfths: "0",
      minor: 0,
    },
    {
      rule: "an amount-off coupon: 10.00 off 29.00 monthly = 19.00",
      input: sub({ discountAmountCents: 1000 }),
      twelfths: "22800",
      minor: 1900,
    },
    {
      rule: "an amount-off coupon on a yearly plan: (990.00 − 90.00) / 12 = 75.00",
      input: sub({ interval: "year", basePriceCents: 99000, discountAmountCents: 9000 }),
      twelfths: "90000",
      minor: 7500,
    },
    {
      rule: "an amount off larger than the price counts zero, never negative",
      input: sub({ discountAmountCents: 5000 }),
      twelfths: "0",
      minor: 0,
    },
    {
      rule: "a negative discount is clamped to none",
      input: sub({ discountPercent: "-5" }),
      twelfths: "34800",
      minor: 2900,
    },
  ];
  it.each(cases)("$rule", ({ input, twelfths, minor }) => {
    expect(mrrTwelfths(input).toFixed()).toBe(twelfths);
    expect(mrrMinor(input)).toBe(minor);
  });
});

describe("reported figures round once, from the exact sum", () => {
  it("three yearly Starter plans are 3 × 29000 / 12 = 7250.00, not 3 × 2417 = 7251", () => {
    const total = [1, 2, 3]
      .map(() => mrrTwelfths(sub({ interval: "year", basePriceCents: 29000 })))
      .reduce((a, b) => a.plus(b));
    expect(twelfthsToMinor(total)).toBe(7250);
  });
  it("ARR is 12 × the exact MRR: one yearly Starter plan is 290.00 a year, not 12 × 24.17", () => {
    expect(arrMinor(mrrTwelfths(sub({ interval: "year", basePriceCents: 29000 })))).toBe(29000);
  });
  it("ARPU divides the exact MRR by paying customers, rounding once", () => {
    // (2900 + 9900 + 29000/12) / 3 = 15216.666… / 3 = 5072.222… → 5072
    const total = [sub(), sub({ basePriceCents: 9900 }), sub({ interval: "year", basePriceCents: 29000 })]
      .map(mrrTwelfths)
      .reduce((a, b) => a.plus(b));
    expect(arpuMinor(total, 3)).toBe(5072);
    expect(arpuMinor(total, 0)).toBeNull();
  });
  const ratios: [number | string, number | string, string | null][] = [
    [1, 12, "0.0833"],
    [1, 3, "0.3333"],
    [2, 3, "0.6667"],
    [1, 8, "0.1250"],
    [5, 4, "1.2500"],
    [0, 5, "0.0000"],
    [3, 0, null],
  ];
  it.each(ratios)("ratio %s / %s = %s (4 places, half-up; null over zero)", (n, d, out) => {
    expect(ratio(new D(n), new D(d))).toBe(out);
  });
});
