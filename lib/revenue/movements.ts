// MRR movements per calendar month (UTC), from the subscription history. Pure: docs/metrics.md
// defines each figure and movements.test.ts pins them.
//
// A customer's MRR at an instant is the sum of its subscriptions' MRR in the newest history row of
// each at or before that instant. Every change of a customer's MRR is one movement (all changes of
// one customer at the same instant are folded into one), classified by the MRR before and after:
//   0 → >0   new (first time the customer pays) or reactivation (it paid before)
//   >0 → 0   churned (the MRR it had)
//   up       expansion; down (still > 0) contraction
// so that, exactly, ending MRR = starting MRR + new + reactivation + expansion − contraction − churned.
import type { Dec } from "@/lib/money";
import { D } from "@/lib/money";
import { ZERO } from "./mrr";

/** One history row reduced to what MRR needs: the subscription's MRR (twelfths of a minor unit) after the change. */
export type MrrChange = { orgId: string; subscriptionId: string; at: Date; twelfths: Dec };

export type Month = { key: string; start: Date; end: Date };

export type MonthFigures = {
  month: Month;
  startingMrr: Dec;
  endingMrr: Dec;
  newMrr: Dec;
  expansionMrr: Dec;
  contractionMrr: Dec;
  churnedMrr: Dec;
  reactivationMrr: Dec;
  /** Customers with MRR > 0 at the month's start (the month's cohort) and at its end. */
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  reactivatedCustomers: number;
  /** Customers of the cohort with a churn movement in the month (even if they came back later in it). */
  churnedCustomers: number;
  /** Churned and contraction MRR of the cohort's customers: the numerator of the revenue churn rate. */
  cohortLostMrr: Dec;
  /** The cohort's MRR at the month's end: the numerator of net revenue retention. */
  retainedMrr: Dec;
};

const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const nextMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));

/** The calendar months (UTC) from the one containing `from` to the one containing `to`, both included. */
export function monthsBetween(from: Date, to: Date): Month[] {
  const out: Month[] = [];
  for (let m = monthStart(from); m <= to; m = nextMonth(m)) out.push({ key: monthKey(m), start: m, end: nextMonth(m) });
  return out;
}

/** "2026-03" → the month. */
export function parseMonth(key: string): Month {
  const [y, m] = key.split("-").map(Number);
  const start = new Date(Date.UTC(y!, m! - 1, 1));
  return { key: monthKey(start), start, end: nextMonth(start) };
}

type Acc = Omit<MonthFigures, "endingMrr" | "customersAtEnd" | "newCustomers" | "reactivatedCustomers" | "churnedCustomers" | "retainedMrr"> & {
  cohort: Set<string>;
  news: Set<string>;
  reactivated: Set<string>;
  churned: Set<string>;
};

/**
 * Figures for each of `months` (contiguous, oldest first) from every change (any order; ties keep
 * their input order, so pass them ordered by occurred_at, recorded_at). Changes before the first
 * month set the starting state; changes after the last month are ignored.
 */
export function mrrMovements(changes: MrrChange[], months: Month[]): MonthFigures[] {
  const sorted = changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.at.getTime() - b.c.at.getTime() || a.i - b.i).map((x) => x.c);
  const subMrr = new Map<string, Dec>();
  const orgSubs = new Map<string, Set<string>>();
  const orgMrr = new Map<string, Dec>();
  const everPaid = new Set<string>();
  const out: MonthFigures[] = [];
  let mi = 0;
  let acc: Acc | null = null;

  const total = () => [...orgMrr.values()].reduce((s, v) => s.plus(v), ZERO);
  const open = (): Acc => {
    const cohort = new Set([...orgMrr].filter(([, v]) => v.gt(0)).map(([k]) => k));
    return {
      month: months[mi]!,
      startingMrr: total(),
      newMrr: ZERO,
      expansionMrr: ZERO,
      contractionMrr: ZERO,
      churnedMrr: ZERO,
      reactivationMrr: ZERO,
      customersAtStart: cohort.size,
      cohortLostMrr: ZERO,
      cohort,
      news: new Set(),
      reactivated: new Set(),
      churned: new Set(),
    };
  };
  const close = (a: Acc) => {
    const { cohort, news, reactivated, churned, ...figures } = a;
    let retained = ZERO;
    for (const org of cohort) retained = retained.plus(orgMrr.get(org) ?? ZERO);
    out.push({
      ...figures,
      endingMrr: total(),
      customersAtEnd: [...orgMrr.values()].filter((v) => v.gt(0)).length,
      newCustomers: news.size,
      reactivatedCustomers: reactivated.size,
      churnedCustomers: churned.size,
      retainedMrr: retained,
    });
  };

  for (let i = 0; i < sorted.length; ) {
    const at = sorted[i]!.at.getTime();
    let j = i;
    while (j < sorted.length && sorted[j]!.at.getTime() === at) j++;
    const group = sorted.slice(i, j);
    i = j;

    while (mi < months.length && at >= months[mi]!.end.getTime()) {
      close(acc ?? open());
      acc = null;
      mi++;
    }
    if (mi >= months.length) break;
    const inMonth = at >= months[mi]!.start.getTime();
    if (inMonth && !acc) acc = open();

    const before = new Map<string, Dec>();
    for (const c of group) {
      if (!before.has(c.orgId)) before.set(c.orgId, orgMrr.get(c.orgId) ?? ZERO);
      const subs = orgSubs.get(c.orgId) ?? new Set<string>();
      subs.add(c.subscriptionId);
      orgSubs.set(c.orgId, subs);
      subMrr.set(c.subscriptionId, c.twelfths);
    }
    for (const [org, was] of before) {
      let now = ZERO;
      for (const s of orgSubs.get(org)!) now = now.plus(subMrr.get(s) ?? ZERO);
      orgMrr.set(org, now);
      if (acc) classify(acc, org, was, now, everPaid.has(org));
      if (now.gt(0)) everPaid.add(org);
    }
  }
  while (mi < months.length) {
    close(acc ?? open());
    acc = null;
    mi++;
  }
  return out;
}

function classify(a: Acc, org: string, was: Dec, now: Dec, paidBefore: boolean): void {
  if (now.eq(was)) return;
  const inCohort = a.cohort.has(org);
  if (was.isZero()) {
    if (paidBefore) {
      a.reactivationMrr = a.reactivationMrr.plus(now);
      a.reactivated.add(org);
    } else {
      a.newMrr = a.newMrr.plus(now);
      a.news.add(org);
    }
  } else if (now.isZero()) {
    a.churnedMrr = a.churnedMrr.plus(was);
    if (inCohort) {
      a.churned.add(org);
      a.cohortLostMrr = a.cohortLostMrr.plus(was);
    }
  } else if (now.gt(was)) {
    a.expansionMrr = a.expansionMrr.plus(now.minus(was));
  } else {
    a.contractionMrr = a.contractionMrr.plus(was.minus(now));
    if (inCohort) a.cohortLostMrr = a.cohortLostMrr.plus(was.minus(now));
  }
}

/** The net of a month's movements: equals endingMrr − startingMrr, exactly. */
export function netMovement(f: Pick<MonthFigures, "newMrr" | "expansionMrr" | "contractionMrr" | "churnedMrr" | "reactivationMrr">): Dec {
  return new D(0).plus(f.newMrr).plus(f.reactivationMrr).plus(f.expansionMrr).minus(f.contractionMrr).minus(f.churnedMrr);
}
