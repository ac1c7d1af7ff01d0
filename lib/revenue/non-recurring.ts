// Revenue that is not MRR, per month, reported beside it: credit packs sold (net of refunds), usage
// charges, and the credit notes that give revenue back. Definitions: docs/metrics.md.
import "server-only";
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { int, selectRows, text } from "@/lib/db/rows";
import type { Month } from "./movements";
import { usageRevenueByMonth } from "./usage-revenue";

export type NonRecurring = { creditPackCents: number; usageCents: number; creditNoteCents: number };

/** Payments that brought money in: refunded ones count their unrefunded rest (often zero). Test (sandbox) payments never do: every revenue read also asks `livemode`. */
export const COLLECTED_STATUSES = ["succeeded", "partially_refunded", "refunded"] as const;
const collected = sql.raw(COLLECTED_STATUSES.map((s) => `'${s}'`).join(", "));

/**
 * A payment's revenue: amount − refunded, net of the tax it carried (its share of the invoice's tax,
 * pro rata to what was kept, rounded half away from zero once). `p` is the payments table's alias.
 */
export const paymentNetOfTax = (p = "") =>
  sql.raw(
    `(${p}amount_cents - ${p}amount_refunded_cents - coalesce(round(${p}tax_cents * (${p}amount_cents - ${p}amount_refunded_cents)::numeric / nullif(${p}amount_cents, 0)), 0))`,
  );

/** Credit pack revenue per month (UTC) of the payment: amount − refunded, net of tax, in one currency. */
export async function creditPackRevenueByMonth(
  currency: string,
  from: Date,
  to: Date,
  tx: Executor = db,
): Promise<Map<string, number>> {
  const list = await selectRows(
    { month: text, cents: int },
    sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM') as month, sum(${paymentNetOfTax()})::text as cents
        from payments
        where kind = 'credits' and status in (${collected}) and currency = ${currency} and livemode
          and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
        group by 1`,
    tx,
  );
  return new Map(list.map((r) => [r.month, r.cents]));
}

/**
 * Revenue given back by credit notes per month (UTC) of the note: live, issued, in one currency. A
 * refund of a credit pack's payment is left out: the pack's revenue already nets its refunds.
 */
export async function creditNotesByMonth(
  currency: string,
  from: Date,
  to: Date,
  tx: Executor = db,
): Promise<Map<string, number>> {
  const list = await selectRows(
    { month: text, cents: int },
    sql`select to_char(n.issued_at at time zone 'UTC', 'YYYY-MM') as month, sum(n.amount_cents)::text as cents
        from credit_notes n left join payments p on p.id = n.payment_id
        where n.status = 'issued' and n.livemode and n.currency = ${currency}
          and n.issued_at >= ${from.toISOString()}::timestamptz and n.issued_at < ${to.toISOString()}::timestamptz
          and not (n.outcome = 'refund_to_card' and p.kind is not distinct from 'credits')
        group by 1`,
    tx,
  );
  return new Map(list.map((r) => [r.month, r.cents]));
}

/** Credit pack and usage revenue of each month (usage: usage-revenue.ts, as the economics page counts it). */
export async function nonRecurringRevenueByMonth(
  currency: string,
  months: Month[],
  now: Date,
  tx: Executor = db,
): Promise<Map<string, NonRecurring>> {
  if (months.length === 0) return new Map();
  const [from, to] = [months[0]!.start, months[months.length - 1]!.end];
  const packs = await creditPackRevenueByMonth(currency, from, to, tx);
  const usage = await usageRevenueByMonth(currency, months, now, tx);
  const notes = await creditNotesByMonth(currency, from, to, tx);
  const out = new Map<string, NonRecurring>();
  for (const m of months) {
    const creditPackCents = packs.get(m.key) ?? 0;
    const usageCents = usage.get(m.key) ?? 0;
    const creditNoteCents = notes.get(m.key) ?? 0;
    if (creditPackCents || usageCents || creditNoteCents)
      out.set(m.key, { creditPackCents, usageCents, creditNoteCents });
  }
  return out;
}
