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
import { D, type Dec } from "@/lib/money";

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

// Internally every amount is an exact bigint: the twelfths scaled by 10^scale, where scale is the
// largest number of decimal places among the inputs (0 unless a discount has decimals). Integer
// arithmetic is exact like decimal.js and an order of magnitude faster over 100,000 changes.
type Acc = {
  month: Month;
  startingMrr: bigint;
  newMrr: bigint;
  expansionMrr: bigint;
  contractionMrr: bigint;
  churnedMrr: bigint;
  reactivationMrr: bigint;
  cohortLostMrr: bigint;
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
  const scale = changes.reduce((m, c) => Math.max(m, c.twelfths.decimalPlaces()), 0);
  const factor = new D(10).pow(scale);
  const toInt = (d: Dec) => BigInt(d.mul(factor).toFixed(0));
  const toDec = (n: bigint) => new D(n.toString()).div(factor);
  const times = changes.map((c) => c.at.getTime());
  const order = changes.map((_, i) => i).sort((x, y) => times[x]! - times[y]! || x - y);
  const subMrr = new Map<string, bigint>();
  const subOrg = new Map<string, string>();
  const orgMrr = new Map<string, bigint>();
  const everPaid = new Set<string>();
  const out: MonthFigures[] = [];
  let total = 0n;
  let mi = 0;
  let acc: Acc | null = null;

  const open = (): Acc => {
    const cohort = new Set<string>();
    for (const [org, v] of orgMrr) if (v > 0n) cohort.add(org);
    return {
      month: months[mi]!,
      startingMrr: total,
      newMrr: 0n,
      expansionMrr: 0n,
      contractionMrr: 0n,
      churnedMrr: 0n,
      reactivationMrr: 0n,
      cohortLostMrr: 0n,
      cohort,
      news: new Set(),
      reactivated: new Set(),
      churned: new Set(),
    };
  };
  const close = (a: Acc) => {
    let retained = 0n;
    for (const org of a.cohort) retained += orgMrr.get(org) ?? 0n;
    let paying = 0;
    for (const v of orgMrr.values()) if (v > 0n) paying++;
    out.push({
      month: a.month,
      startingMrr: toDec(a.startingMrr),
      endingMrr: toDec(total),
      newMrr: toDec(a.newMrr),
      expansionMrr: toDec(a.expansionMrr),
      contractionMrr: toDec(a.contractionMrr),
      churnedMrr: toDec(a.churnedMrr),
      reactivationMrr: toDec(a.reactivationMrr),
      customersAtStart: a.cohort.size,
      customersAtEnd: paying,
      newCustomers: a.news.size,
      reactivatedCustomers: a.reactivated.size,
      churnedCustomers: a.churned.size,
      cohortLostMrr: toDec(a.cohortLostMrr),
      retainedMrr: toDec(retained),
    });
  };

  const before = new Map<string, bigint>();
  for (let i = 0; i < order.length;) {
    const at = times[order[i]!]!;
    while (mi < months.length && at >= months[mi]!.end.getTime()) {
      close(acc ?? open());
      acc = null;
      mi++;
    }
    if (mi >= months.length) break;
    if (!acc && at >= months[mi]!.start.getTime()) acc = open();

    // All changes at this instant, folded per customer.
    before.clear();
    for (; i < order.length && times[order[i]!] === at; i++) {
      const c = changes[order[i]!]!;
      const org = c.orgId;
      const was = orgMrr.get(org) ?? 0n;
      if (!before.has(org)) before.set(org, was);
      const value = toInt(c.twelfths);
      const previous = subMrr.get(c.subscriptionId) ?? 0n;
      const previousOrg = subOrg.get(c.subscriptionId);
      // A subscription never changes customer; if the data says so, move it.
      if (previousOrg !== undefined && previousOrg !== org) {
        if (!before.has(previousOrg)) before.set(previousOrg, orgMrr.get(previousOrg) ?? 0n);
        orgMrr.set(previousOrg, (orgMrr.get(previousOrg) ?? 0n) - previous);
        orgMrr.set(org, was + value);
      } else orgMrr.set(org, was - previous + value);
      total += value - previous;
      subMrr.set(c.subscriptionId, value);
      subOrg.set(c.subscriptionId, org);
    }
    for (const [org, was] of before) {
      const now = orgMrr.get(org) ?? 0n;
      if (acc) classify(acc, org, was, now, everPaid.has(org));
      if (now > 0n) everPaid.add(org);
    }
  }
  while (mi < months.length) {
    close(acc ?? open());
    acc = null;
    mi++;
  }
  return out;
}

function classify(a: Acc, org: string, was: bigint, now: bigint, paidBefore: boolean): void {
  if (now === was) return;
  const inCohort = a.cohort.has(org);
  if (was === 0n) {
    if (paidBefore) {
      a.reactivationMrr += now;
      a.reactivated.add(org);
    } else {
      a.newMrr += now;
      a.news.add(org);
    }
  } else if (now === 0n) {
    a.churnedMrr += was;
    if (inCohort) {
      a.churned.add(org);
      a.cohortLostMrr += was;
    }
  } else if (now > was) {
    a.expansionMrr += now - was;
  } else {
    a.contractionMrr += was - now;
    if (inCohort) a.cohortLostMrr += was - now;
  }
}

/** The net of a month's movements: equals endingMrr − startingMrr, exactly. */
export function netMovement(
  f: Pick<MonthFigures, "newMrr" | "expansionMrr" | "contractionMrr" | "churnedMrr" | "reactivationMrr">,
): Dec {
  return new D(0)
    .plus(f.newMrr)
    .plus(f.reactivationMrr)
    .plus(f.expansionMrr)
    .minus(f.contractionMrr)
    .minus(f.churnedMrr);
}
