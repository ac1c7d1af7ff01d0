import { describe, expect, it } from "vitest";
import { addonProration } from "./proration";

// A 30-day period: 1 June → 1 July.
const periodStart = new Date("2026-06-01T00:00:00Z");
const periodEnd = new Date("2026-07-01T00:00:00Z");
const day = (d: number, h = 0) => new Date(Date.UTC(2026, 5, d, h));

describe("addonProration", () => {
  const cases = [
    { name: "added on the first instant: the full price", unit: 1000, from: 0, to: 1, at: periodStart, want: 1000 },
    { name: "added half-way: half the price", unit: 1000, from: 0, to: 1, at: day(16), want: 500 },
    { name: "3 units added with 10 of 30 days left", unit: 1000, from: 0, to: 3, at: day(21), want: 1000 },
    { name: "removed half-way: half the price back", unit: 1000, from: 1, to: 0, at: day(16), want: -500 },
    { name: "2 → 5 units with 20 of 30 days left", unit: 999, from: 2, to: 5, at: day(11), want: 1998 },
    // 1 unit at 10.00 with 29 days 12 hours of 30 days left: 983.333… → 983 (rounded once, half up).
    { name: "an odd remainder is rounded once", unit: 1000, from: 0, to: 1, at: day(1, 12), want: 983 },
    // 0.5 of a cent rounds up: 1 unit at 0.01 half-way.
    { name: "half a cent rounds up", unit: 1, from: 0, to: 1, at: day(16), want: 1 },
    { name: "after the period's end: nothing", unit: 1000, from: 0, to: 1, at: periodEnd, want: 0 },
    { name: "the same quantity: nothing", unit: 1000, from: 2, to: 2, at: day(10), want: 0 },
  ];
  it.each(cases)("$name", ({ unit, from, to, at, want }) =>
    expect(
      addonProration({
        unitCents: unit,
        fromQuantity: from,
        toQuantity: to,
        periodStart,
        periodEnd,
        at,
        currency: "usd",
      }),
    ).toBe(want),
  );

  it("adding then removing at the same instant nets to zero", () => {
    const p = { unitCents: 777, periodStart, periodEnd, at: day(7, 5), currency: "usd" };
    expect(
      addonProration({ ...p, fromQuantity: 0, toQuantity: 1 }) +
        addonProration({ ...p, fromQuantity: 1, toQuantity: 0 }),
    ).toBe(0);
  });
});
