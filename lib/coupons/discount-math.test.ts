import { describe, expect, it } from "vitest";
import { periodBounds } from "@/lib/time";
import { prorate } from "@/lib/payments/proration";
import { coversPeriod, discountCents, discountEndsAt, discountedFeeCents, type CouponTerms } from "./discount-math";

const percent = (p: string, more: Partial<CouponTerms> = {}): CouponTerms => ({
  percentOff: p,
  amountOffCents: null,
  currency: null,
  duration: "forever",
  durationInMonths: null,
  appliesTo: "plan",
  ...more,
});
const fixed = (cents: number, currency = "usd", more: Partial<CouponTerms> = {}): CouponTerms => ({
  percentOff: null,
  amountOffCents: cents,
  currency,
  duration: "forever",
  durationInMonths: null,
  appliesTo: "plan",
  ...more,
});

describe("discountCents: what a coupon takes off an amount", () => {
  it.each([
    ["20 % off 99.00 is 19.80", percent("20"), 9900, "usd", 1980],
    ["12.5 % off 29.00 = 3.625 → 3.63, half-up once", percent("12.5"), 2900, "usd", 363],
    ["33.333 % off 10.00 = 3.3333 → 3.33", percent("33.333"), 1000, "usd", 333],
    ["100 % off takes the whole fee", percent("100"), 4900, "usd", 4900],
    ["a percent above 100 never takes more than the amount", percent("150"), 4900, "usd", 4900],
    ["10.00 off 49.00", fixed(1000), 4900, "usd", 1000],
    ["50.00 off a 29.00 fee stops at 29.00: never below zero", fixed(5000), 2900, "usd", 2900],
    ["an amount off in another currency takes nothing", fixed(1000, "eur"), 4900, "usd", 0],
    ["currency match is case-insensitive", fixed(1000, "usd"), 4900, "USD", 1000],
    ["nothing off a free plan", percent("20"), 0, "usd", 0],
    ["nothing off a negative amount (a credit)", fixed(1000), -500, "usd", 0],
    ["yen has no minor unit: 15 % off ¥1,999 = 299.85 → 300", percent("15"), 1999, "jpy", 300],
  ])("%s", (_rule, coupon, amount, currency, expected) => {
    expect(discountCents(coupon, amount, currency)).toBe(expected);
  });
});

describe("discount duration, counted in billing periods", () => {
  const anchor = new Date("2026-01-31T00:00:00Z");
  /** Periods 0..n-1 of a schedule, each with whether the discount covers it. */
  const covered = (c: CouponTerms, interval: "month" | "year", n: number, first = 0) => {
    const startsAt = periodBounds(anchor, interval, first).start;
    const d = { startsAt, endsAt: discountEndsAt(c, startsAt, interval) };
    return Array.from({ length: n }, (_, i) => coversPeriod(d, periodBounds(anchor, interval, i).start));
  };

  it("once: the first period only", () => {
    expect(covered(percent("20", { duration: "once" }), "month", 4)).toEqual([true, false, false, false]);
  });

  it("repeating for 3 months: three monthly periods, month ends kept (Jan 31, Feb 28, Mar 31)", () => {
    expect(covered(percent("20", { duration: "repeating", durationInMonths: 3 }), "month", 5)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("repeating from a later period (applied mid-subscription) counts from the period it first reduces", () => {
    expect(covered(percent("20", { duration: "repeating", durationInMonths: 2 }), "month", 5, 1)).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });

  it("forever: every period", () => {
    expect(covered(fixed(500), "month", 24).every(Boolean)).toBe(true);
  });

  it("repeating for 3 months on a yearly plan covers the first yearly fee only", () => {
    expect(covered(percent("20", { duration: "repeating", durationInMonths: 3 }), "year", 3)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("over several periods the invoices total the discounted fees, then the full price", () => {
    const c = percent("12.5", { duration: "repeating", durationInMonths: 2 });
    const startsAt = anchor;
    const d = { startsAt, endsAt: discountEndsAt(c, startsAt, "month") };
    const fees = [0, 1, 2, 3].map((i) =>
      coversPeriod(d, periodBounds(anchor, "month", i).start) ? discountedFeeCents(c, 2900, "usd") : 2900,
    );
    expect(fees).toEqual([2537, 2537, 2900, 2900]);
  });
});

describe("proration of a plan change with a coupon", () => {
  const start = new Date("2026-03-01T00:00:00Z");
  const end = new Date("2026-03-31T00:00:00Z");
  const half = new Date("2026-03-16T00:00:00Z");
  const due = (c: CouponTerms | null, oldCents: number, newCents: number) =>
    prorate({
      oldCents: discountedFeeCents(c, oldCents, "usd"),
      newCents: discountedFeeCents(c, newCents, "usd"),
      periodStart: start,
      periodEnd: end,
      at: half,
      currency: "usd",
      sameInterval: true,
    }).amountCents;

  it.each([
    ["no coupon: half of 99 − 29 = 35.00", null, 2900, 9900, 3500],
    ["20 % off both sides: half of 79.20 − 23.20 = 28.00", percent("20"), 2900, 9900, 2800],
    ["10.00 off both sides leaves the difference: 35.00", fixed(1000), 2900, 9900, 3500],
    ["40.00 off: the 29.00 plan was free, half of 59.00 = 29.50", fixed(4000), 2900, 9900, 2950],
    ["100 % off: nothing due", percent("100"), 2900, 9900, 0],
  ])("%s", (_rule, c, oldCents, newCents, expected) => {
    expect(due(c, oldCents, newCents)).toBe(expected);
  });
});
