// Usage that arrives late: events timestamped inside a period whose lines were already frozen and
// billed (Stripe: its period_billings row; Tally's own rail: the renewal invoice that carried them)
// would otherwise never be billed. When a period is billed, every earlier billed period of the
// subscription that received such events is rated again, and every usage line that grew is billed
// by the difference, on this period's bill, as its own line saying so ("usage of <period> received
// late"). The late line is a line of this period (its id carries this period's key), so it is frozen
// and added with this period's lines: once, on either rail, however often a job runs. The amount is
// the line's rounded amount now less everything billed for it so far (its own line, what threshold
// invoices billed of it, and late lines on later bills), so what a period's usage was billed in all
// is its rated amount to the cent.
//
// Finding the periods to rate again without reading history at every close: each subscription keeps
// a watermark (subscriptions.late_usage_after), set when a period's lines are billed to the
// database's clock less LATE_MARGIN_MS (an event's ingested_at is its storing transaction's start;
// the margin covers a transaction that started before the close and committed after it). Events
// ingested after the watermark and timestamped before this period are the only candidates: those
// stored more than an hour after their own time are found by a partial index
// (usage_events_late_idx), the others are timestamped within the hour before the watermark
// (usage_events_org_time_idx) — neither reads the customer's history or this period's events. A
// candidate only says "rate that period again": an event already counted (the margin lets a few
// through) rates to the same lines and bills nothing.
//
// Bounds. Periods are looked at back to LOOKBACK_MONTHS before this period's start (raw events and
// rollups are kept without a retention limit today; a year covers every earlier monthly period of
// the last year and the previous yearly period). Usage timestamped earlier is not billed.
//
// A line that shrank (a call finalized late takes its usage out of the meter, or a negative event
// on a meter that allows them) is not credited: nothing negative is billed, the period keeps what was
// billed, and a warning is logged with the subscription, the line and both amounts. If the line
// grows again later, only what goes beyond what was billed is billed. The exception is a usage
// correction (lib/metering/corrections.ts): events of the period retracted after it was billed make
// it a candidate too (usage_events_retracted), and its lines that shrank are credited by the
// difference, as a negative late line ("usage of <period> retracted") — the issued bill is never
// changed. (A credit note could carry this instead once credit notes exist.)
//
// Batched: a batch of periods (the rollover's 100) is answered with one statement for the candidates
// and, only for subscriptions that have any, one statement per kind for what was billed (invoice
// lines or period_billings, threshold billings) and one batched rating (loadPeriodInputs).
import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { int, nullable, selectRows } from "@/lib/db/rows";
import {
  invoiceLines,
  invoices,
  periodBillings,
  subscriptions,
  thresholdBillings,
  type Subscription,
} from "@/lib/db/schema";
import { formatDate, formatQuantity } from "@/lib/format";
import { log } from "@/lib/log";
import { dec, D } from "@/lib/money";
import { periodContaining } from "@/lib/time";
import { loadPeriodInputs, type PeriodRequest } from "./period-input";
import { lineId, periodKey, periodLines, type PeriodLine } from "./period-lines";

type Period = { start: Date; end: Date };
/** What was billed for one of a period's lines: its cents, exact amount and billable quantity. */
type Billed = { cents: number; exact: string; quantity: string };

/** How far behind the database's clock a watermark is set (see above). */
export const LATE_MARGIN_MS = 5 * 60_000;
/** Earlier periods are looked at back to this many months before the billed period's start. */
export const LOOKBACK_MONTHS = 12;

export type LateRequest = {
  sub: Subscription;
  /** The period whose bill carries the late lines: the period being billed (or, for the upcoming invoice, the current one). */
  period: Period;
};

/** A list as one JSON parameter (the statement's text is the same whatever the batch size). */
const json = (v: unknown) => sql`${JSON.stringify(v)}::text::json`;
const anyOf = (ids: string[]) => sql`any(array(select json_array_elements_text(${json(ids)})))`;

function lookbackStart(p: Period): Date {
  const d = new Date(p.start);
  d.setUTCMonth(d.getUTCMonth() - LOOKBACK_MONTHS);
  return d;
}

const watermark = (r: LateRequest) => r.sub.lateUsageAfter ?? new Date(r.period.start.getTime() - LATE_MARGIN_MS);

/**
 * Per request: the earliest and latest time of events ingested after its watermark and timestamped
 * before its period, or null; and, apart, of events retracted after the watermark (a usage
 * correction): those periods may bill less than they did.
 */
async function candidates(
  tx: Executor,
  requests: LateRequest[],
): Promise<({ lo: Date; hi: Date; retracted: { lo: Date; hi: Date } | null } | null)[]> {
  const found = await selectRows(
    { i: int, lo: int, hi: int, rlo: nullable(int), rhi: nullable(int) },
    sql`select t.i, floor(extract(epoch from min(e.ts)) * 1000)::bigint::text as lo,
               ceil(extract(epoch from max(e.ts)) * 1000)::bigint::text as hi,
               floor(extract(epoch from min(e.ts) filter (where e.retracted)) * 1000)::bigint::text as rlo,
               ceil(extract(epoch from max(e.ts) filter (where e.retracted)) * 1000)::bigint::text as rhi
          from json_to_recordset(${json(
            requests.map((r, i) => ({
              i,
              o: r.sub.orgId,
              w: watermark(r).toISOString(),
              l: lookbackStart(r.period).toISOString(),
              s: r.period.start.toISOString(),
            })),
          )}) as t(i int, o text, w timestamptz, l timestamptz, s timestamptz)
          cross join lateral (
            select u."timestamp" as ts, false as retracted from usage_events u
             where u.org_id = t.o and (u.ingested_at - u."timestamp") > interval '1 hour' and u.ingested_at > t.w
               -- The range is checked on each late event, not searched by time (that would read the history).
               and u."timestamp" + interval '0 s' >= t.l and u."timestamp" + interval '0 s' < t.s
            union all
            select u."timestamp", false from usage_events u
             where u.org_id = t.o and u."timestamp" >= greatest(t.l, t.w - interval '1 hour') and u."timestamp" < t.s
               and u.ingested_at > t.w
            union all
            -- Retracted after the watermark (usage_events_retracted_org_idx), from an earlier period.
            select r."timestamp", true from usage_events_retracted r
             where r.org_id = t.o and r.retracted_at > t.w and r."timestamp" >= t.l and r."timestamp" < t.s
          ) e
         group by t.i`,
    tx,
  );
  const out: ({ lo: Date; hi: Date; retracted: { lo: Date; hi: Date } | null } | null)[] = requests.map(() => null);
  for (const f of found)
    out[f.i] = {
      lo: new Date(f.lo),
      hi: new Date(f.hi),
      retracted: f.rlo !== null && f.rhi !== null ? { lo: new Date(f.rlo), hi: new Date(f.rhi) } : null,
    };
  return out;
}

/** The earlier periods of Tally's own schedule that [lo, hi] touches and that were billed before `period` (trial periods were not). */
function schedulePeriods(sub: Subscription, period: Period, lo: Date, hi: Date): Period[] {
  const out: Period[] = [];
  let p: Period = periodContaining(sub.billingAnchor, sub.interval, lo < sub.billingAnchor ? sub.billingAnchor : lo);
  for (let n = 0; n < 400 && p.start <= hi && p.end <= period.start; n++) {
    if (p.start >= sub.billingAnchor && !(sub.trialEnd && sub.trialEnd > p.start))
      out.push({ start: p.start, end: p.end });
    p = periodContaining(sub.billingAnchor, sub.interval, p.end);
  }
  return out;
}

/** Renewal invoice keys from `from`'s end to `period`'s start: the invoices that carry an earlier period's lines and late lines. */
function renewalKeys(sub: Subscription, from: Period, period: Period): string[] {
  const keys: string[] = [];
  let p: Period = { start: from.start, end: from.end };
  for (let n = 0; n < 400 && p.end <= period.start; n++) {
    keys.push(`subscription:${sub.id}:${p.end.toISOString()}`);
    p = periodContaining(sub.billingAnchor, sub.interval, p.end);
  }
  return keys;
}

type BilledLine = { id: string; kind: string; cents: number; exact: string; quantity: string };

/** Adds what each billed line billed of `q`'s lines: q's own usage lines, and late lines billing q on later bills. */
function billedOf(sub: Subscription, q: Period, lines: BilledLine[], into: Map<string, Billed>) {
  const own = `${sub.id}:${periodKey(q)}:usage:`;
  const late = `:late_usage:${periodKey(q)}:`;
  for (const l of lines) {
    let id: string | null = null;
    if (l.kind === "usage" && l.id.startsWith(own)) id = l.id;
    else if (l.kind === "late_usage" && l.id.startsWith(`${sub.id}:`) && l.id.includes(late))
      id = own + l.id.slice(l.id.indexOf(late) + late.length);
    if (!id) continue;
    const had = into.get(id) ?? { cents: 0, exact: "0", quantity: "0" };
    into.set(id, {
      cents: had.cents + l.cents,
      exact: dec(had.exact).plus(l.exact).toFixed(),
      quantity: dec(had.quantity).plus(l.quantity).toFixed(),
    });
  }
}

/** `credit`: events of this period were retracted since it was billed, so a line that shrank is credited. */
type Rerate = { i: number; sub: Subscription; q: Period; billed: Map<string, Billed>; credit: boolean };

/** Whether a retraction range overlaps the period. */
const retractedIn = (r: { lo: Date; hi: Date } | null, q: Period) => r !== null && r.lo < q.end && r.hi >= q.start;

/**
 * The late lines each request's bill carries, in the order asked: for each earlier billed period
 * whose usage arrived after it was billed (oldest first), each usage line that grew, by the difference.
 */
export async function lateUsageLinesMany(tx: Executor, requests: LateRequest[]): Promise<PeriodLine[][]> {
  const out: PeriodLine[][] = requests.map(() => []);
  if (requests.length === 0) return out;
  const found = await candidates(tx, requests);
  const flagged = requests.flatMap((r, i) => (found[i] ? [{ ...r, i, ...found[i]! }] : []));
  if (flagged.length === 0) return out;

  // What was billed: Stripe periods' frozen lines; Tally's renewal invoices' lines.
  const stripe = flagged.filter((f) => f.sub.provider === "stripe");
  const local = flagged
    .filter((f) => f.sub.provider !== "stripe")
    .map((f) => ({ ...f, periods: schedulePeriods(f.sub, f.period, f.lo, f.hi) }))
    .filter((f) => f.periods.length > 0);
  const keys = local.flatMap((f) => renewalKeys(f.sub, f.periods[0]!, f.period));
  const [stripeRows, invoiceRows] = await Promise.all([
    stripe.length
      ? tx
          .select({
            subscriptionId: periodBillings.subscriptionId,
            start: periodBillings.periodStart,
            end: periodBillings.periodEnd,
            lines: periodBillings.lines,
          })
          .from(periodBillings)
          .innerJoin(
            sql`json_to_recordset(${json(stripe.map((f) => ({ s: f.sub.id, lo: f.lo.toISOString(), u: f.period.start.toISOString() })))}) as t(s text, lo timestamptz, u timestamptz)`,
            sql`${periodBillings.subscriptionId} = t.s and ${periodBillings.periodEnd} > t.lo and ${periodBillings.periodEnd} <= t.u`,
          )
      : [],
    keys.length
      ? tx
          .select({
            sourceKey: invoices.sourceKey,
            amountCents: invoiceLines.amountCents,
            quantity: invoiceLines.quantity,
            details: invoiceLines.details,
          })
          .from(invoices)
          .innerJoin(invoiceLines, sql`${invoiceLines.invoiceId} = ${invoices.id}`)
          .where(sql`${invoices.sourceKey} = ${anyOf(keys)} and ${invoices.status} <> 'void'`)
      : [],
  ]);

  const rerate: Rerate[] = [];
  for (const f of stripe) {
    const mine = stripeRows.filter((r) => r.subscriptionId === f.sub.id).sort((a, b) => +a.start - +b.start);
    const lines: BilledLine[] = mine.flatMap((r) =>
      (
        r.lines as { id?: string; kind?: string; amountCents?: number; exactAmount?: string; quantity?: string }[]
      ).flatMap((l) =>
        l.id && l.kind
          ? [
              {
                id: l.id,
                kind: l.kind,
                cents: l.amountCents ?? 0,
                exact: l.exactAmount ?? "0",
                quantity: l.quantity ?? "0",
              },
            ]
          : [],
      ),
    );
    for (const r of mine) {
      if (r.start > f.hi || (f.sub.trialEnd && f.sub.trialEnd > r.start)) continue;
      const q = { start: r.start, end: r.end };
      const billed = new Map<string, Billed>();
      billedOf(f.sub, q, lines, billed);
      rerate.push({ i: f.i, sub: f.sub, q, billed, credit: retractedIn(f.retracted, q) });
    }
  }
  const byKey = new Map<string, BilledLine[]>();
  for (const r of invoiceRows) {
    const id = r.details?.line_id;
    if (typeof id !== "string" || !r.sourceKey) continue;
    const list = byKey.get(r.sourceKey) ?? [];
    list.push({
      id,
      kind: String(r.details?.line_kind ?? "usage"),
      cents: r.amountCents,
      exact: String(r.details?.exact_amount ?? "0"),
      quantity: r.quantity,
    });
    byKey.set(r.sourceKey, list);
  }
  for (const f of local) {
    const lines = renewalKeys(f.sub, f.periods[0]!, f.period).flatMap((k) => byKey.get(k) ?? []);
    for (const q of f.periods) {
      // A period is billed when its renewal invoice exists (and was not voided).
      if (!invoiceRows.some((r) => r.sourceKey === `subscription:${f.sub.id}:${q.end.toISOString()}`)) continue;
      const billed = new Map<string, Billed>();
      billedOf(f.sub, q, lines, billed);
      rerate.push({ i: f.i, sub: f.sub, q, billed, credit: retractedIn(f.retracted, q) });
    }
  }
  if (rerate.length === 0) return out;

  // Rated again, and what threshold invoices billed of each period during it.
  const [inputs, thresholds] = await Promise.all([
    loadPeriodInputs(
      tx,
      rerate.map((r): PeriodRequest => ({ sub: r.sub, period: r.q })),
    ),
    tx
      .select({
        subscriptionId: thresholdBillings.subscriptionId,
        start: thresholdBillings.periodStart,
        lines: thresholdBillings.lines,
      })
      .from(thresholdBillings)
      .innerJoin(
        sql`json_to_recordset(${json(rerate.map((r) => ({ s: r.sub.id, p: r.q.start.toISOString() })))}) as t(s text, p timestamptz)`,
        sql`${thresholdBillings.subscriptionId} = t.s and ${thresholdBillings.periodStart} = t.p`,
      ),
  ]);
  for (const th of thresholds)
    for (const r of rerate) {
      if (r.sub.id !== th.subscriptionId || +r.q.start !== +th.start) continue;
      for (const [id, cents] of Object.entries(th.lines)) {
        const had = r.billed.get(id) ?? { cents: 0, exact: "0", quantity: "0" };
        // As lessThresholdBilled takes it off the period's line: the cents, and as much of the exact amount.
        r.billed.set(id, {
          ...had,
          cents: had.cents + cents,
          exact: dec(had.exact).plus(dec(cents).div(100)).toFixed(),
        });
      }
    }

  rerate.forEach((r, n) => {
    const input = inputs[n]!;
    const { period } = requests[r.i]!;
    const label = `${formatDate(r.q.start)} – ${formatDate(r.q.end)}`;
    for (const now of periodLines(input)) {
      if (now.kind !== "usage") continue;
      const had = r.billed.get(now.id) ?? { cents: 0, exact: "0", quantity: "0" };
      const cents = now.amountCents - had.cents;
      // Less than billed: credited only when usage of that period was retracted since (a usage
      // correction, docs/usage-corrections.md); otherwise the period keeps what was billed.
      const credit = cents < 0 && r.credit;
      if (cents < 0 && !credit)
        log.warn(
          {
            subscription_id: r.sub.id,
            period_start: r.q.start.toISOString(),
            line_id: now.id,
            billed_cents: had.cents,
            rated_cents: now.amountCents,
          },
          "a billed usage line is lower when rated again; nothing is credited",
        );
      if (cents === 0 || (cents < 0 && !credit)) continue;
      const quantity = credit ? dec(now.quantity).minus(had.quantity) : D.max(0, dec(now.quantity).minus(had.quantity));
      const exact = dec(now.exactAmount).minus(had.exact);
      const name = now.description.split(": ")[0];
      const key = `${periodKey(r.q)}:${now.key}`;
      out[r.i]!.push({
        ...now,
        id: lineId(r.sub.id, period, "late_usage", key),
        kind: "late_usage",
        key,
        description: `${name}: ${formatQuantity(quantity.toFixed(), input.meterUnits?.[now.meter ?? ""] ?? undefined)} — usage of ${label} ${credit ? "retracted (usage correction)" : "received late"}`,
        quantity: quantity.toFixed(),
        unitAmount: quantity.isZero() ? null : exact.div(quantity).toDecimalPlaces(10).toFixed(),
        exactAmount: exact.toFixed(),
        amountCents: cents,
      });
    }
  });
  return out;
}

/** The late lines of one period's bill (a batch of one). */
export async function lateUsageLines(tx: Executor, sub: Subscription, period: Period): Promise<PeriodLine[]> {
  return (await lateUsageLinesMany(tx, [{ sub, period }]))[0]!;
}

/**
 * The subscriptions' periods were billed just now (in this transaction): events ingested from now
 * on (less the margin) are late usage for them. One statement for the batch.
 */
export async function markLateUsageBilled(tx: Executor, subscriptionIds: string[]): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await tx
    .update(subscriptions)
    .set({ lateUsageAfter: sql`now() - make_interval(secs => ${LATE_MARGIN_MS / 1000})` })
    .where(sql`${subscriptions.id} = ${anyOf(subscriptionIds)}`);
}
