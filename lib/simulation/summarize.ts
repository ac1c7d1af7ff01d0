// Rated customers → what the operator reads: totals, who pays more or less, the spread of changes,
// the biggest movers, per-month totals and one page of customer rows. Integer cents throughout;
// percentages are exact decimals cut to one place.
import { D } from "@/lib/money";
import type { RatedCustomer } from "./rate-customers";
import type { SimulationCustomer, SimulationJson, SimulationRequest } from "./schemas";

type Summary = Pick<
  SimulationJson,
  "totals" | "counts" | "distribution" | "biggest_increases" | "biggest_decreases" | "by_month" | "customers"
>;

/** (proposed − current) ÷ current × 100 to one place (half-up); null when current is 0. */
export function changePercent(current: number, proposed: number): string | null {
  if (current === 0) return null;
  return new D(proposed - current).div(current).mul(100).toDecimalPlaces(1).toFixed(1);
}

const totals = (current: number, proposed: number) => ({
  current_cents: current,
  proposed_cents: proposed,
  difference_cents: proposed - current,
  change_percent: changePercent(current, proposed),
});

/** Bands of percent change, lower bound inclusive; "no change" is its own band. */
const BANDS: { band: string; from: number; to: number }[] = [
  { band: "−20% or more", from: -Infinity, to: -20 },
  { band: "−20% to −5%", from: -20, to: -5 },
  { band: "−5% to 0%", from: -5, to: 0 },
  { band: "no change", from: 0, to: 0 },
  { band: "0% to +5%", from: 0, to: 5 },
  { band: "+5% to +20%", from: 5, to: 20 },
  { band: "+20% or more", from: 20, to: Infinity },
];

function bandOf(row: SimulationCustomer): number {
  if (row.difference_cents === 0) return 3;
  // Paid nothing before and something now: the largest increase there is.
  if (row.change_percent === null) return row.difference_cents > 0 ? 6 : 0;
  const p = Number(row.change_percent);
  if (row.difference_cents < 0) return p <= -20 ? 0 : p <= -5 ? 1 : 2;
  return p >= 20 ? 6 : p >= 5 ? 5 : 4;
}

const COMPARE: Record<SimulationRequest["sort"], (a: SimulationCustomer, b: SimulationCustomer) => number> = {
  difference: (a, b) => a.difference_cents - b.difference_cents,
  // Customers who paid nothing before sort as the largest change.
  change_percent: (a, b) => pct(a) - pct(b),
  current: (a, b) => a.current_cents - b.current_cents,
  proposed: (a, b) => a.proposed_cents - b.proposed_cents,
  customer: (a, b) => a.name.localeCompare(b.name),
};
const pct = (r: SimulationCustomer) =>
  r.change_percent === null ? Math.sign(r.difference_cents) * Infinity || 0 : Number(r.change_percent);

const TOP = 5;

export function summarize(
  rated: RatedCustomer[],
  months: Date[],
  req: Pick<SimulationRequest, "sort" | "order" | "limit" | "offset">,
  otherCurrency: number,
): Summary {
  const rows: SimulationCustomer[] = [];
  const monthCurrent = months.map(() => 0);
  const monthProposed = months.map(() => 0);
  const monthCustomers = months.map(() => 0);
  let withoutHistory = 0;
  for (const r of rated) {
    const ratedMonths = r.months.filter((m) => m !== null).length;
    if (ratedMonths === 0) {
      withoutHistory++;
      continue;
    }
    r.months.forEach((m, i) => {
      if (!m) return;
      monthCurrent[i]! += m.current;
      monthProposed[i]! += m.proposed;
      monthCustomers[i]!++;
    });
    const c = r.customer;
    rows.push({
      customer_id: c.orgId,
      name: c.name,
      external_id: c.externalId,
      current_plan: { id: c.current.planId, name: c.current.label, version: c.current.version },
      months: ratedMonths,
      ...totals(r.currentCents, r.proposedCents),
    });
  }
  const current = rows.reduce((s, r) => s + r.current_cents, 0);
  const proposed = rows.reduce((s, r) => s + r.proposed_cents, 0);
  const distribution = BANDS.map((b) => ({ band: b.band, customers: 0 }));
  for (const r of rows) distribution[bandOf(r)]!.customers++;

  const byDifference = [...rows].sort((a, b) => COMPARE.difference(a, b) || a.customer_id.localeCompare(b.customer_id));
  const compare = COMPARE[req.sort];
  const sign = req.order === "asc" ? 1 : -1;
  const sorted = [...rows].sort((a, b) => sign * compare(a, b) || a.customer_id.localeCompare(b.customer_id));
  return {
    totals: totals(current, proposed),
    counts: {
      customers: rows.length,
      pays_more: rows.filter((r) => r.difference_cents > 0).length,
      pays_less: rows.filter((r) => r.difference_cents < 0).length,
      same: rows.filter((r) => r.difference_cents === 0).length,
      without_history: withoutHistory,
      other_currency: otherCurrency,
    },
    distribution,
    biggest_increases: byDifference
      .slice(-TOP)
      .reverse()
      .filter((r) => r.difference_cents > 0),
    biggest_decreases: byDifference.slice(0, TOP).filter((r) => r.difference_cents < 0),
    by_month: months.map((m, i) => ({
      month: m.toISOString().slice(0, 7),
      customers: monthCustomers[i]!,
      ...totals(monthCurrent[i]!, monthProposed[i]!),
    })),
    customers: {
      total: rows.length,
      offset: req.offset,
      limit: req.limit,
      sort: req.sort,
      order: req.order,
      data: sorted.slice(req.offset, req.offset + req.limit),
    },
  };
}
