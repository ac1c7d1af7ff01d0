// Usage that arrives late: events timestamped inside a period whose lines were already frozen and
// billed (Stripe: its period_billings row; Tally's own rail: the renewal invoice that carried them)
// would otherwise never be billed. When the next period is billed, the previous period is rated
// again and every usage line that grew is billed by the difference, on the next period's bill, as
// its own line saying so ("usage of <period> received late"). The late line is a line of the next
// period (its id carries that period's key), so it is frozen and added with that period's lines:
// once, on either rail, however often a job runs. The amount is the line's rounded amount now less
// what was billed for it, so what a period's usage was billed in all is its rated amount to the cent.
//
// Only the period just before is read again: usage arriving more than a period late is not billed.
// A line that shrank (a call finalized late takes its usage out of the meter) is not credited.
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { invoiceLines, invoices, periodBillings, type Subscription } from "@/lib/db/schema";
import { formatDate, formatQuantity } from "@/lib/format";
import { dec, D } from "@/lib/money";
import { periodContaining } from "@/lib/time";
import { loadPeriodInput } from "./period-input";
import { lineId, periodKey, periodLines, type PeriodLine } from "./period-lines";

type Period = { start: Date; end: Date };
/** What was billed for one of a period's lines: its cents, exact amount and billable quantity. */
type Billed = { cents: number; exact: string; quantity: string };

/** The period before `next` whose lines were billed, and what each of its lines was billed; null when there is none (a trial, the first period). */
async function previousBilled(
  x: Executor,
  sub: Subscription,
  next: Period,
): Promise<{ period: Period; billed: Map<string, Billed> } | null> {
  if (sub.provider === "stripe") {
    const [row] = await x
      .select({ start: periodBillings.periodStart, end: periodBillings.periodEnd, lines: periodBillings.lines })
      .from(periodBillings)
      .where(and(eq(periodBillings.subscriptionId, sub.id), eq(periodBillings.periodEnd, next.start)));
    if (!row) return null;
    const billed = new Map<string, Billed>();
    for (const l of row.lines as Partial<PeriodLine>[])
      if (l.id)
        billed.set(l.id, { cents: l.amountCents ?? 0, exact: l.exactAmount ?? "0", quantity: l.quantity ?? "0" });
    return { period: { start: row.start, end: row.end }, billed };
  }
  // Tally's own rail: the period of the schedule that ended when `next` began, billed on the renewal invoice of `next`.
  const prev = periodContaining(sub.billingAnchor, sub.interval, new Date(next.start.getTime() - 1));
  if (prev.end.getTime() !== next.start.getTime() || prev.start < sub.billingAnchor) return null;
  if (sub.trialEnd && sub.trialEnd > prev.start) return null;
  const [renewal] = await x
    .select({ id: invoices.id, status: invoices.status })
    .from(invoices)
    .where(eq(invoices.sourceKey, `subscription:${sub.id}:${next.start.toISOString()}`));
  if (!renewal || renewal.status === "void") return null;
  const prefix = `${sub.id}:${periodKey(prev)}:`;
  // P's lines are on that invoice (read by its id: indexed, unlike a search of the subscription's invoices).
  const rows = await x
    .select({ amountCents: invoiceLines.amountCents, quantity: invoiceLines.quantity, details: invoiceLines.details })
    .from(invoiceLines)
    .where(
      and(eq(invoiceLines.invoiceId, renewal.id), sql`starts_with(${invoiceLines.details}->>'line_id', ${prefix})`),
    );
  const billed = new Map<string, Billed>();
  for (const r of rows) {
    const id = String(r.details!.line_id);
    const had = billed.get(id) ?? { cents: 0, exact: "0", quantity: "0" };
    billed.set(id, {
      cents: had.cents + r.amountCents,
      exact: dec(had.exact)
        .plus(String(r.details!.exact_amount ?? "0"))
        .toFixed(),
      quantity: dec(had.quantity).plus(r.quantity).toFixed(),
    });
  }
  return { period: { start: prev.start, end: prev.end }, billed };
}

/** The lines billing the previous period's late usage on the bill of `period` (the period ending now). */
export async function lateUsageLines(x: Executor, sub: Subscription, period: Period): Promise<PeriodLine[]> {
  const prev = await previousBilled(x, sub, period);
  if (!prev) return [];
  const input = await loadPeriodInput(x, sub, prev.period);
  const label = `${formatDate(prev.period.start)} – ${formatDate(prev.period.end)}`;
  const out: PeriodLine[] = [];
  for (const now of periodLines(input)) {
    if (now.kind !== "usage") continue;
    const had = prev.billed.get(now.id) ?? { cents: 0, exact: "0", quantity: "0" };
    const cents = now.amountCents - had.cents;
    if (cents <= 0) continue;
    const quantity = D.max(0, dec(now.quantity).minus(had.quantity));
    const exact = dec(now.exactAmount).minus(had.exact);
    const name = now.description.split(": ")[0];
    const key = `${periodKey(prev.period)}:${now.key}`;
    out.push({
      ...now,
      id: lineId(sub.id, period, "late_usage", key),
      kind: "late_usage",
      key,
      description: `${name}: ${formatQuantity(quantity.toFixed(), input.meterUnits?.[now.meter ?? ""] ?? undefined)} — usage of ${label} received late`,
      quantity: quantity.toFixed(),
      unitAmount: quantity.isZero() ? null : exact.div(quantity).toDecimalPlaces(10).toFixed(),
      exactAmount: exact.toFixed(),
      amountCents: cents,
    });
  }
  return out;
}
