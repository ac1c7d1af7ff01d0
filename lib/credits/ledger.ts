// Reading the ledger: newest first, cursor-paginated by seq, filterable by kind, source, credit
// event, reservation and operation. Scoped by organization like every tenant query.
import "server-only";
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditLedger, type CreditLedgerRow, type CreditSource, type LedgerKind } from "@/lib/db/schema";
import { addDays, startOfUtcDay } from "@/lib/time";

export type LedgerFilter = {
  kind?: LedgerKind | LedgerKind[];
  source?: CreditSource;
  eventName?: string;
  reservationId?: string;
  operationId?: string;
  reference?: string;
};

export async function listLedger(
  orgId: string,
  opts: LedgerFilter & { limit: number; cursor?: string | null },
): Promise<{ data: CreditLedgerRow[]; nextCursor: string | null }> {
  const where: SQL[] = [eq(creditLedger.orgId, orgId)];
  if (opts.cursor) {
    const seq = Number(opts.cursor);
    if (Number.isSafeInteger(seq)) where.push(lt(creditLedger.seq, seq));
  }
  if (opts.kind)
    where.push(Array.isArray(opts.kind) ? inArray(creditLedger.kind, opts.kind) : eq(creditLedger.kind, opts.kind));
  if (opts.source) where.push(eq(creditLedger.source, opts.source));
  if (opts.eventName) where.push(eq(creditLedger.creditEvent, opts.eventName));
  if (opts.reservationId) where.push(eq(creditLedger.reservationId, opts.reservationId));
  if (opts.operationId) where.push(eq(creditLedger.operationId, opts.operationId));
  if (opts.reference) where.push(eq(creditLedger.reference, opts.reference));
  const list = await db
    .select()
    .from(creditLedger)
    .where(and(...where))
    .orderBy(desc(creditLedger.seq))
    .limit(opts.limit + 1);
  const page = list.slice(0, opts.limit);
  return { data: page, nextCursor: list.length > opts.limit ? String(page[page.length - 1]!.seq) : null };
}

/** The credit events that appear in an organization's ledger, for a filter's choices. */
export async function ledgerEventNames(orgId: string): Promise<string[]> {
  const list = await db
    .selectDistinct({ name: creditLedger.creditEvent })
    .from(creditLedger)
    .where(and(eq(creditLedger.orgId, orgId), sql`${creditLedger.creditEvent} is not null`));
  return list.map((r) => r.name!).sort();
}

/**
 * Credits spent per UTC day over the last `days` days (today included): consumptions, commits and
 * overage, net of refunds.
 */
export async function dailySpend(orgId: string, now: Date, days: number): Promise<{ day: string; credits: number }[]> {
  const from = addDays(startOfUtcDay(now), -(days - 1));
  const spent = sql<string>`sum(case
      when ${creditLedger.kind} in ('consume', 'commit') then -${creditLedger.bucketDelta}
      when ${creditLedger.kind} = 'overage' then -${creditLedger.amount}
      when ${creditLedger.kind} = 'refund' then -${creditLedger.amount}
      else 0 end)::text`;
  const day = sql<string>`to_char(${creditLedger.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const list = await db
    .select({ day, spent })
    .from(creditLedger)
    .where(
      and(
        eq(creditLedger.orgId, orgId),
        gte(creditLedger.createdAt, from),
        inArray(creditLedger.kind, ["consume", "commit", "overage", "refund"]),
      ),
    )
    .groupBy(day);
  const byDay = new Map(list.map((r) => [r.day, Number(r.spent)]));
  return Array.from({ length: days }, (_, i) => {
    const d = addDays(from, i).toISOString().slice(0, 10);
    return { day: d, credits: byDay.get(d) ?? 0 };
  });
}

/** Credits spent in [from, to): consumptions, commits and overage, net of refunds (as dailySpend counts them). */
export async function creditsSpent(orgId: string, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({
      spent: sql<string>`coalesce(sum(case
        when ${creditLedger.kind} in ('consume', 'commit') then -${creditLedger.bucketDelta}
        when ${creditLedger.kind} = 'overage' then -${creditLedger.amount}
        when ${creditLedger.kind} = 'refund' then -${creditLedger.amount}
        else 0 end), 0)::text`,
    })
    .from(creditLedger)
    .where(
      and(
        eq(creditLedger.orgId, orgId),
        gte(creditLedger.createdAt, from),
        lt(creditLedger.createdAt, to),
        inArray(creditLedger.kind, ["consume", "commit", "overage", "refund"]),
      ),
    );
  return Number(row?.spent ?? 0);
}
