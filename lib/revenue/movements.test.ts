import { describe, expect, it } from "vitest";
import { D } from "@/lib/money";
import { monthsBetween, mrrMovements, netMovement, parseMonth, type MonthFigures, type MrrChange } from "./movements";
import { twelfthsToMinor } from "./mrr";

// MRR in whole dollars for readability: $29 a month is 29 × 100 × 12 twelfths of a cent.
const usd = (dollars: number) => new D(dollars).mul(1200);
const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
const ch = (orgId: string, subscriptionId: string, day: string, dollars: number): MrrChange => ({
  orgId,
  subscriptionId,
  at: at(day),
  twelfths: usd(dollars),
});
const dollars = (d: InstanceType<typeof D>) => twelfthsToMinor(d) / 100;

type Expect = Partial<
  Record<"starting" | "ending" | "new" | "expansion" | "contraction" | "churned" | "reactivation", number>
> &
  Partial<
    Pick<
      MonthFigures,
      "customersAtStart" | "customersAtEnd" | "newCustomers" | "churnedCustomers" | "reactivatedCustomers"
    >
  > & { lost?: number; retained?: number };

function summary(f: MonthFigures) {
  return {
    starting: dollars(f.startingMrr),
    ending: dollars(f.endingMrr),
    new: dollars(f.newMrr),
    expansion: dollars(f.expansionMrr),
    contraction: dollars(f.contractionMrr),
    churned: dollars(f.churnedMrr),
    reactivation: dollars(f.reactivationMrr),
    customersAtStart: f.customersAtStart,
    customersAtEnd: f.customersAtEnd,
    newCustomers: f.newCustomers,
    churnedCustomers: f.churnedCustomers,
    reactivatedCustomers: f.reactivatedCustomers,
    lost: dollars(f.cohortLostMrr),
    retained: dollars(f.retainedMrr),
  };
}

const MARCH = [parseMonth("2026-03")];

describe("MRR movements: one rule each", () => {
  const cases: { rule: string; changes: MrrChange[]; expect: Expect }[] = [
    {
      rule: "a first paid subscription is new MRR",
      changes: [ch("a", "s1", "2026-03-05", 29)],
      expect: { starting: 0, new: 29, ending: 29, newCustomers: 1, customersAtEnd: 1 },
    },
    {
      rule: "a trial counts zero, and its conversion is new MRR in the month it converts",
      changes: [ch("a", "s1", "2026-02-20", 0), ch("a", "s1", "2026-03-06", 99)],
      expect: { starting: 0, new: 99, ending: 99, customersAtStart: 0 },
    },
    {
      rule: "an upgrade is expansion",
      changes: [ch("a", "s1", "2026-01-10", 29), ch("a", "s1", "2026-03-10", 99)],
      expect: { starting: 29, expansion: 70, ending: 99, new: 0 },
    },
    {
      rule: "a downgrade is contraction",
      changes: [ch("a", "s1", "2026-01-10", 99), ch("a", "s1", "2026-03-10", 29)],
      expect: { starting: 99, contraction: 70, ending: 29, lost: 70, retained: 29 },
    },
    {
      rule: "a cancellation is churned MRR and a churned customer of the month's cohort",
      changes: [ch("a", "s1", "2026-01-10", 99), ch("a", "s1", "2026-03-10", 0)],
      expect: {
        starting: 99,
        churned: 99,
        ending: 0,
        churnedCustomers: 1,
        customersAtStart: 1,
        customersAtEnd: 0,
        lost: 99,
        retained: 0,
      },
    },
    {
      rule: "paying again after churning is reactivation, not new",
      changes: [ch("a", "s1", "2025-11-10", 29), ch("a", "s1", "2026-01-10", 0), ch("a", "s2", "2026-03-10", 99)],
      expect: { starting: 0, reactivation: 99, new: 0, ending: 99, reactivatedCustomers: 1, newCustomers: 0 },
    },
    {
      rule: "a customer going from a free plan to a paid one is new (it never paid before)",
      changes: [ch("a", "s1", "2026-01-10", 0), ch("a", "s1", "2026-03-10", 29)],
      expect: { new: 29, reactivation: 0 },
    },
    {
      rule: "past due is no movement (it stays in MRR); the cancellation after it is churn",
      changes: [ch("a", "s1", "2026-01-10", 29), ch("a", "s1", "2026-03-02", 29), ch("a", "s1", "2026-03-20", 0)],
      expect: { starting: 29, churned: 29, expansion: 0, contraction: 0, ending: 0 },
    },
    {
      rule: "a monthly $99 to a yearly $990 plan is contraction of 99 − 82.50 = 16.50",
      changes: [
        ch("a", "s1", "2026-01-10", 99),
        { orgId: "a", subscriptionId: "s1", at: at("2026-03-10"), twelfths: new D(99000) },
      ],
      expect: { starting: 99, contraction: 16.5, ending: 82.5 },
    },
    {
      rule: "a discount granted is contraction, and removed again is expansion, in the same month",
      changes: [ch("a", "s1", "2026-01-10", 100), ch("a", "s1", "2026-03-05", 80), ch("a", "s1", "2026-03-25", 100)],
      expect: { starting: 100, contraction: 20, expansion: 20, ending: 100, retained: 100 },
    },
    {
      rule: "changes of one customer at one instant fold into one movement (a subscription replaced by another is no churn)",
      changes: [ch("a", "s1", "2026-01-10", 29), ch("a", "s1", "2026-03-10", 0), ch("a", "s2", "2026-03-10", 99)],
      expect: { starting: 29, churned: 0, reactivation: 0, expansion: 70, ending: 99 },
    },
    {
      rule: "a customer new in the month who churns in it is churned MRR but not a churned customer of the cohort",
      changes: [ch("a", "s1", "2026-03-02", 29), ch("a", "s1", "2026-03-20", 0)],
      expect: { new: 29, churned: 29, ending: 0, churnedCustomers: 0, customersAtStart: 0, lost: 0 },
    },
    {
      rule: "a change exactly at the month's start belongs to that month",
      changes: [ch("a", "s1", "2026-03-01", 29)],
      expect: { starting: 0, new: 29 },
    },
    {
      rule: "a change exactly at the month's end belongs to the next month",
      changes: [ch("a", "s1", "2026-02-10", 29), ch("a", "s1", "2026-04-01", 0)],
      expect: { starting: 29, churned: 0, ending: 29 },
    },
    {
      rule: "a renewal at the same price is no movement",
      changes: [ch("a", "s1", "2026-02-10", 29), ch("a", "s1", "2026-03-10", 29)],
      expect: { starting: 29, new: 0, expansion: 0, contraction: 0, ending: 29 },
    },
  ];
  it.each(cases)("$rule", ({ changes, expect: want }) => {
    const [march] = mrrMovements(changes, MARCH);
    expect(summary(march!)).toMatchObject(want);
    // The identity holds for every case, exactly.
    expect(march!.endingMrr.minus(march!.startingMrr).eq(netMovement(march!))).toBe(true);
  });
});

describe("MRR movements over several months", () => {
  // a: new in Jan at 29, upgrades in Feb to 99, cancels in Apr.
  // b: new in Feb at 99 (yearly 1188 → 99), downgrades in Mar to 29.
  // c: trial from Jan, converts in Mar at 29.
  const changes = [
    ch("a", "a1", "2026-01-15", 29),
    ch("b", "b1", "2026-02-03", 99),
    ch("a", "a1", "2026-02-15", 99),
    ch("c", "c1", "2026-01-20", 0),
    ch("b", "b1", "2026-03-03", 29),
    ch("c", "c1", "2026-03-20", 29),
    ch("a", "a1", "2026-04-15", 0),
  ];
  const months = monthsBetween(at("2026-01-01"), at("2026-04-30"));
  const figures = mrrMovements(changes, months).map(summary);

  it("names the four months", () => {
    expect(months.map((m) => m.key)).toEqual(["2026-01", "2026-02", "2026-03", "2026-04"]);
  });
  it("January: a is new at 29", () =>
    expect(figures[0]).toMatchObject({ starting: 0, new: 29, ending: 29, customersAtEnd: 1 }));
  it("February: b is new at 99, a expands by 70", () =>
    expect(figures[1]).toMatchObject({
      starting: 29,
      new: 99,
      expansion: 70,
      ending: 198,
      customersAtStart: 1,
      customersAtEnd: 2,
      retained: 99,
    }));
  it("March: b contracts by 70, c converts (new 29)", () =>
    expect(figures[2]).toMatchObject({
      starting: 198,
      contraction: 70,
      new: 29,
      ending: 157,
      customersAtStart: 2,
      customersAtEnd: 3,
      retained: 128,
      lost: 70,
    }));
  it("April: a churns 99", () =>
    expect(figures[3]).toMatchObject({
      starting: 157,
      churned: 99,
      ending: 58,
      churnedCustomers: 1,
      customersAtStart: 3,
      customersAtEnd: 2,
      retained: 58,
    }));
  it("each month starts where the one before ended", () => {
    for (let i = 1; i < figures.length; i++) expect(figures[i]!.starting).toBe(figures[i - 1]!.ending);
  });
  it("input order does not matter beyond ties", () => {
    expect(mrrMovements([...changes].reverse(), months).map(summary)).toEqual(figures);
  });
  it("months with no change carry the MRR through", () => {
    const quiet = mrrMovements([ch("a", "a1", "2025-06-01", 29)], months).map(summary);
    expect(quiet.map((m) => [m.starting, m.ending, m.new])).toEqual([
      [29, 29, 0],
      [29, 29, 0],
      [29, 29, 0],
      [29, 29, 0],
    ]);
  });
  it("changes after the last month are ignored", () => {
    const one = mrrMovements(
      [ch("a", "a1", "2026-01-02", 29), ch("a", "a1", "2026-06-02", 0)],
      [parseMonth("2026-01")],
    );
    expect(summary(one[0]!)).toMatchObject({ new: 29, churned: 0, ending: 29 });
  });
});
