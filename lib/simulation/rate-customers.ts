// The simulator's core: each customer's complete months in the window rated under two sets of terms,
// side by side. It knows nothing of plans or drafts: whoever builds the CustomerTerms decides what
// "current" and "proposed" mean (a draft version for its plan's subscribers today; a per-customer
// override proposal later), so every kind of proposal is rated the same way.
import "server-only";
import type { Executor } from "@/lib/db/client";
import { meterIndex, type MeterDef } from "@/lib/metering/meters";
import { readMonthlyUsage, quantitiesFor } from "./monthly-usage";
import { rateMonth, type Terms } from "./terms";

export type CustomerTerms = {
  orgId: string;
  name: string;
  externalId: string | null;
  /**
   * When the customer started on `current`'s subscription: a month is rated only when it began on or
   * after this (a customer who joined mid-window counts from their first whole month).
   */
  since: Date;
  current: Terms;
  proposed: Terms;
};

export type RatedCustomer = {
  customer: CustomerTerms;
  /** Per month of the window: null when the customer was not subscribed for the whole of it. */
  months: ({ current: number; proposed: number } | null)[];
  currentCents: number;
  proposedCents: number;
};

/** The last `n` complete calendar months (UTC) before `now`'s month: their starts, oldest first, and the window's end. */
export function monthWindow(n: number, now: Date): { months: Date[]; end: Date } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const months = Array.from({ length: n }, (_, i) => new Date(Date.UTC(y, m - n + i, 1)));
  return { months, end: new Date(Date.UTC(y, m, 1)) };
}

export async function rateCustomers(
  tx: Executor,
  customers: CustomerTerms[],
  window: { months: Date[]; end: Date },
): Promise<RatedCustomer[]> {
  const index = await meterIndex({ tx });
  // The meters either set of terms prices, and those some price per group value.
  const used = new Map<string, MeterDef>();
  const grouped = new Set<string>();
  const seen = new Set<Terms>();
  for (const c of customers)
    for (const t of [c.current, c.proposed]) {
      if (seen.has(t)) continue;
      seen.add(t);
      for (const ch of t.charges) {
        const meter = index.byCode.get(ch.meter);
        if (meter) used.set(meter.code, meter);
        if (ch.model === "group") grouped.add(ch.meter);
      }
    }
  const usage = await readMonthlyUsage(tx, {
    orgIds: customers.map((c) => c.orgId),
    meters: [...used.values()],
    grouped,
    months: window.months,
    end: window.end,
  });

  return customers.map((c) => {
    const byMonth = usage.get(c.orgId);
    let currentCents = 0;
    let proposedCents = 0;
    const months = window.months.map((start, i) => {
      if (start < c.since) return null;
      const month = byMonth?.get(i);
      const rate = (t: Terms) => {
        const a = rateMonth(t, quantitiesFor(t.charges, used, month));
        return a.feeCents + a.usageCents;
      };
      const current = rate(c.current);
      const proposed = rate(c.proposed);
      currentCents += current;
      proposedCents += proposed;
      return { current, proposed };
    });
    return { customer: c, months, currentCents, proposedCents };
  });
}
