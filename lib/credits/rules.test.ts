import { describe, expect, it } from "vitest";
import { burnRate } from "./burn-rate";
import { creditsForEvent, normalizeQuantity } from "./credits-for-event";
import { crossedBelow, isLow, lowBalanceThreshold } from "./low-balance-rule";
import { refundPlan, refundableParts } from "./refund-credits";

describe("credits for a credit event", () => {
  it.each([
    { perUnit: 25, quantity: "2", credits: 50 },
    { perUnit: 10, quantity: "0.5", credits: 5 },
    { perUnit: 10, quantity: "0.01", credits: 1 },
    { perUnit: 1, quantity: "3.2", credits: 4 },
    { perUnit: 5, quantity: "0.1", credits: 1 },
    { perUnit: 3, quantity: "0.1", credits: 1 },
  ])("$quantity × $perUnit credits costs $credits (partial units round up)", ({ perUnit, quantity, credits }) => {
    expect(creditsForEvent(perUnit, quantity)).toBe(credits);
  });

  it.each([
    { q: 2, out: "2" },
    { q: "2.50", out: "2.5" },
    { q: 0.1, out: "0.1" },
    { q: "0", out: null },
    { q: -1, out: null },
    { q: "1e3", out: null },
    { q: "abc", out: null },
  ])("quantity $q is read as $out", ({ q, out }) => {
    expect(normalizeQuantity(q)).toBe(out);
  });
});

describe("low balance", () => {
  it.each([
    { explicit: null, lastAllocation: 10_000, threshold: 1_000 },
    { explicit: 250, lastAllocation: 10_000, threshold: 250 },
    { explicit: null, lastAllocation: 0, threshold: null },
    { explicit: 0, lastAllocation: 0, threshold: 0 },
  ])(
    "threshold with explicit $explicit and last allocation $lastAllocation is $threshold",
    ({ explicit, lastAllocation, threshold }) => {
      expect(lowBalanceThreshold({ explicit, lastAllocation })).toBe(threshold);
    },
  );

  it.each([
    { before: 1_200, after: 900, threshold: 1_000, crossed: true },
    { before: 1_000, after: 999, threshold: 1_000, crossed: true },
    { before: 900, after: 800, threshold: 1_000, crossed: false },
    { before: 900, after: 1_100, threshold: 1_000, crossed: false },
    { before: 5, after: -5, threshold: 0, crossed: true },
    { before: 100, after: 0, threshold: null, crossed: false },
  ])("$before → $after against $threshold crosses: $crossed", ({ before, after, threshold, crossed }) => {
    expect(crossedBelow(before, after, threshold)).toBe(crossed);
  });

  it("is low below the threshold only", () => {
    expect(isLow(999, 1_000)).toBe(true);
    expect(isLow(1_000, 1_000)).toBe(false);
    expect(isLow(0, null)).toBe(false);
  });
});

describe("burn rate", () => {
  const now = new Date("2026-03-15T12:00:00Z");
  it("averages the last days' spend and projects the day the balance runs out", () => {
    const series = [...Array(23).fill({ credits: 0 }), ...Array(7).fill({ credits: 100 })];
    const r = burnRate(series, 7, 1_050, now);
    expect(r).toMatchObject({ spent: 700, perDay: "100.00" });
    expect(r.runsOutAt!.toISOString()).toBe("2026-03-26T00:00:00.000Z");
    expect(burnRate(series, 30, 1_050, now).perDay).toBe("23.33");
  });

  it("never runs out without spend, or when nothing is left", () => {
    expect(burnRate([{ credits: 0 }], 1, 500, now).runsOutAt).toBeNull();
    expect(burnRate([{ credits: 10 }], 1, 0, now).runsOutAt).toBeNull();
  });
});

describe("refunds", () => {
  it("subtracts earlier refunds from each part of a spend", () => {
    expect(
      refundableParts(
        [
          { bucketId: "a", credits: 30 },
          { bucketId: "b", credits: 20 },
          { bucketId: null, credits: 5 },
        ],
        [
          { bucketId: "b", credits: 20 },
          { bucketId: "a", credits: 10 },
        ],
      ),
    ).toEqual([
      { bucketId: "a", credits: 20 },
      { bucketId: null, credits: 5 },
    ]);
  });

  it("returns overage first, then the last-drawn bucket first", () => {
    expect(
      refundPlan(
        [
          { bucketId: "a", credits: 30 },
          { bucketId: "b", credits: 20 },
          { bucketId: null, credits: 5 },
        ],
        30,
      ),
    ).toEqual([
      { bucketId: null, credits: 5 },
      { bucketId: "b", credits: 20 },
      { bucketId: "a", credits: 5 },
    ]);
  });
});
