// Revenue per month: MRR and its movements, churn and retention — recomputed from the
// subscription history (so any past month can be recomputed), plus the revenue that is not MRR
// (credit packs, usage charges) reported beside it.
import "server-only";
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { date, decimal, selectRows, text } from "@/lib/db/rows";
import { invalidField } from "@/lib/http/errors";
import { D } from "@/lib/money";
import { monthsBetween, mrrMovements, netMovement, parseMonth, type MonthFigures, type MrrChange } from "./movements";
import { arrMinor, ratio, twelfthsToMinor } from "./mrr";
import { mrrHundredTwelfthsSql } from "./mrr-sql";
import type { RevenueMonthJson, RevenueSeriesJson } from "./schemas";
import { reportingCurrency } from "./stats";
import { nonRecurringRevenueByMonth, type NonRecurring } from "./non-recurring";

export const MAX_MONTHS = 60;
export const DEFAULT_MONTHS = 12;

export type SeriesRange = { from: string; to: string };

/** The months asked for ("2026-01" to "2026-06"), defaulting to the 12 months up to now. */
export function seriesMonths(range: Partial<SeriesRange>, now: Date) {
  const to = range.to ? parseMonth(range.to) : parseMonth(now.toISOString().slice(0, 7));
  const from = range.from
    ? parseMonth(range.from)
    : parseMonth(
        new Date(Date.UTC(to.start.getUTCFullYear(), to.start.getUTCMonth() - (DEFAULT_MONTHS - 1), 1))
          .toISOString()
          .slice(0, 7),
      );
  if (from.start > to.start) throw invalidField("from", "must not be after to");
  const months = monthsBetween(from.start, to.start);
  if (months.length > MAX_MONTHS) throw invalidField("from", `at most ${MAX_MONTHS} months at a time`);
  return months;
}

/**
 * Every change of a subscription's MRR in one currency before `end`, per subscription oldest
 * first. Rows that leave
 * the MRR as it was (renewals, scheduled changes, past due) are dropped in SQL: they move nothing.
 */
export async function mrrChanges(currency: string, end: Date, tx: Executor = db): Promise<MrrChange[]> {
  const mrr = mrrHundredTwelfthsSql({
    status: sql`h.status`,
    interval: sql`h.interval`,
    basePriceCents: sql`h.base_price_cents`,
    discountPercent: sql`h.discount_percent`,
    discountAmountCents: sql`h.discount_amount_cents`,
    addonCents: sql`h.addon_cents`,
    livemode: sql`h.livemode`,
  });
  const list = await selectRows(
    { org_id: text, subscription_id: text, occurred_at: date, mrr100: decimal },
    sql`select org_id, subscription_id, occurred_at, mrr100::text as mrr100 from (
          select h.org_id, h.subscription_id, h.occurred_at, h.recorded_at, h.id,
                 m.mrr100, lag(m.mrr100) over (partition by h.subscription_id order by h.occurred_at, h.recorded_at, h.id) as prev
          from subscription_history h
          cross join lateral (select case when h.currency = ${currency} then ${mrr} else 0::numeric end as mrr100) m
          -- Test (sandbox) subscriptions are no part of the business's history.
          where h.occurred_at < ${end.toISOString()}::timestamptz and h.livemode
        ) c
        where prev is null or prev <> mrr100
        -- The window's own order (no second sort in Postgres); mrrMovements orders by time, keeping
        -- this order among a subscription's changes at the same instant.
        order by subscription_id, occurred_at, recorded_at, id`,
    tx,
  );
  return list.map((r) => ({
    orgId: r.org_id,
    subscriptionId: r.subscription_id,
    at: r.occurred_at,
    twelfths: new D(r.mrr100).div(100),
  }));
}

export type RevenueSeries = { currency: string; months: MonthFigures[]; nonRecurring: Map<string, NonRecurring> };

export async function revenueSeries(
  opts: { from?: string; to?: string; currency?: string; now?: Date } = {},
  tx: Executor = db,
): Promise<RevenueSeries> {
  const now = opts.now ?? new Date();
  const months = seriesMonths(opts, now);
  const currency = (opts.currency ?? (await reportingCurrency(tx))).toLowerCase();
  const end = months[months.length - 1]!.end;
  const [changes, nonRecurring] = await Promise.all([
    mrrChanges(currency, end, tx),
    nonRecurringRevenueByMonth(currency, months, now, tx),
  ]);
  return { currency, months: mrrMovements(changes, months), nonRecurring };
}

const cents = twelfthsToMinor;

export function monthJson(f: MonthFigures, extra?: NonRecurring): RevenueMonthJson {
  return {
    month: f.month.key,
    starting_mrr_cents: cents(f.startingMrr),
    ending_mrr_cents: cents(f.endingMrr),
    arr_cents: arrMinor(f.endingMrr),
    new_mrr_cents: cents(f.newMrr),
    expansion_mrr_cents: cents(f.expansionMrr),
    contraction_mrr_cents: cents(f.contractionMrr),
    churned_mrr_cents: cents(f.churnedMrr),
    reactivation_mrr_cents: cents(f.reactivationMrr),
    net_new_mrr_cents: cents(netMovement(f)),
    customers_at_start: f.customersAtStart,
    customers_at_end: f.customersAtEnd,
    new_customers: f.newCustomers,
    reactivated_customers: f.reactivatedCustomers,
    churned_customers: f.churnedCustomers,
    logo_churn_rate: ratio(f.churnedCustomers, f.customersAtStart),
    revenue_churn_rate: ratio(f.cohortLostMrr, f.startingMrr),
    net_revenue_retention: ratio(f.retainedMrr, f.startingMrr),
    credit_pack_revenue_cents: extra?.creditPackCents ?? 0,
    usage_revenue_cents: extra?.usageCents ?? 0,
    credit_notes_cents: extra?.creditNoteCents ?? 0,
  };
}

export function seriesJson(s: RevenueSeries): RevenueSeriesJson {
  const months = s.months.map((m) => monthJson(m, s.nonRecurring.get(m.month.key)));
  return {
    object: "revenue_series" as const,
    currency: s.currency,
    from: months[0]?.month ?? null,
    to: months[months.length - 1]?.month ?? null,
    data: months,
  };
}
