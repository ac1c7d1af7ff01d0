// Load: the SQL that locks an organization's balance row and reads its account, and the decoding
// of what it answers (rows as postgres.js and PGlite return them) into the account's state. The
// group commit (movement-group.ts) reads many accounts with the same columns and decoders.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import type { CreditSource, GrantOrigin, ReservationStatus } from "@/lib/db/schema/credits";
import { notFound } from "@/lib/http/errors";
import type { BucketState, HoldState } from "./account";
import { allowOverageSql } from "./on-empty";
import { normalizePrecedence } from "./precedence";

export type AccountSettings = {
  precedence: CreditSource[];
  allowOverage: boolean;
  lastAllocation: number;
  lowBalanceThreshold: number | null;
  overagePricePerCredit: string | null;
  overageCurrency: string;
};

export type ReservationRow = {
  id: string;
  orgId: string;
  credits: number;
  status: ReservationStatus;
  expiresAt: Date;
  committedCredits: number | null;
  idempotencyKey: string;
  reference: string | null;
  createdAt: Date;
  closedAt: Date | null;
  result: unknown;
};

// Row decoding: a driver may answer a bigint, a timestamp or json as text (postgres.js and PGlite differ).
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export type BalanceRow = {
  balance: unknown;
  last_seq: unknown;
  held: unknown;
  overage: unknown;
  last_allocation: unknown;
  low_balance_threshold: unknown;
  overage_price_per_credit: string | null;
  overage_currency: string;
  credit_precedence: string[] | null;
  allow_overage: boolean;
};

export type BucketRow = {
  id: string;
  source: CreditSource;
  origin: GrantOrigin;
  priority: number;
  expires_at: unknown;
  expired_at: unknown;
  created_at: unknown;
  remaining: unknown;
  amount: unknown;
};

export type HoldRow = {
  id: string;
  org_id: string;
  credits: unknown;
  status: ReservationStatus;
  expires_at: unknown;
  committed_credits: unknown;
  idempotency_key: string;
  reference: string | null;
  created_at: unknown;
  closed_at: unknown;
  result: unknown;
};

export const jsonRows = <T>(v: unknown): T[] =>
  v === null || v === undefined ? [] : ((typeof v === "string" ? JSON.parse(v) : v) as T[]);

export const BUCKET_COLUMNS = sql`id, source, origin, priority, expires_at, expired_at, created_at, remaining, amount`;
/**
 * A balance row and its organization's credit settings (`b` and `o`), as BalanceRow reads them;
 * allow_overage is the effective one, the plan's over the organization's (on-empty.ts).
 */
export const BALANCE_COLUMNS = sql`b.balance, b.last_seq, b.held, b.overage, b.last_allocation, b.low_balance_threshold, b.overage_price_per_credit::text as overage_price_per_credit,
                   b.overage_currency, o.credit_precedence, ${allowOverageSql(sql`o.id`, sql`o.allow_overage`)} as allow_overage`;
export const HOLD_COLUMNS = sql`id, org_id, credits, status, expires_at, committed_credits, idempotency_key, reference, created_at, closed_at, result`;

function bucketFilter(orgId: string, extraIds: string[]): SQL {
  const extra = extraIds.length
    ? sql` or id in (${sql.join(
        extraIds.map((i) => sql`${i}`),
        sql`, `,
      )})`
    : sql``;
  return sql`org_id = ${orgId} and (remaining > 0${extra})`;
}

/** Active holds past their TTL, and the reservation a movement names (whatever its status). */
export function holdFilter(orgId: string | SQL, now: Date, holdId: string | null): SQL {
  const named = holdId ? sql` or id = ${holdId}` : sql``;
  return sql`org_id = ${orgId} and ((status = 'active' and expires_at <= ${ts(now)})${named})`;
}

export type LoadOptions = { holdId: string | null; bucketIds: string[]; eventCode?: string | null; claim?: SQL };

/**
 * Locks the organization's balance row and reads what the movement needs. The read is sent right
 * behind the lock on the same connection (pipelined), so it costs no extra round trip, yet — being
 * the next statement — it runs only once the lock is granted and, under READ COMMITTED, sees
 * everything committed before that. (Reading in the locking statement itself would not: its
 * snapshot predates the wait.) Every write to buckets, reservations and the ledger happens under
 * this lock (runMovement), which is what makes the balance row the one lock to take.
 */
export async function loadAccount(tx: Executor, orgId: string, now: Date, opts: LoadOptions) {
  const event = opts.eventCode
    ? sql`(select credits from credit_events where code = ${opts.eventCode} and active)`
    : sql`null::int`;
  // An idempotency claim goes first in the same pipeline: a request that repeats a key in flight
  // waits on the key before it takes the organization's lock, as with idempotent().
  const claim = opts.claim;
  const claimRows = claim ? () => rows<{ key: string }>(claim, tx) : async () => [{ key: "" }];
  const lockAndRead = () =>
    Promise.all([
      rows<BalanceRow>(
        sql`select ${BALANCE_COLUMNS} from credit_balances b join organizations o on o.id = b.org_id where b.org_id = ${orgId} for update of b`,
        tx,
      ),
      rows<{ buckets: unknown; holds: unknown; event_credits: unknown }>(
        sql`select (select json_agg(g order by g.id) from (select ${BUCKET_COLUMNS} from credit_grants where ${bucketFilter(orgId, opts.bucketIds)}) g) as buckets,
                   (select json_agg(r order by r.id) from (select ${HOLD_COLUMNS} from credit_reservations where ${holdFilter(orgId, now, opts.holdId)}) r) as holds,
                   ${event} as event_credits`,
        tx,
      ),
    ]);
  // One pipeline: Promise.all issues the statements in order on the transaction's connection.
  const [claimed, [[first], [firstState]]] = await Promise.all([claimRows(), lockAndRead()]);
  let row = first;
  let state = firstState;
  const isClaimed = claimed.length > 0;
  if (!row && isClaimed) {
    const [org] = await rows<{ id: string }>(sql`select id from organizations where id = ${orgId}`, tx);
    if (!org) throw notFound("Customer");
    await tx.execute(sql`insert into credit_balances (org_id) values (${orgId}) on conflict do nothing`);
    [[row], [state]] = await lockAndRead();
  }
  const buckets = jsonRows<BucketRow>(state?.buckets).map(bucketState);
  const holds = jsonRows<HoldRow>(state?.holds).map(reservationFromRow);
  return {
    claimed: isClaimed,
    bal: row!,
    eventCredits: numOrNull(state?.event_credits),
    buckets,
    dueHolds: dueHoldsOf(holds, now),
    named: holds.find((h) => h.id === opts.holdId) ?? null,
  };
}

/** Active holds past their TTL, as the account expires them. */
export const dueHoldsOf = (holds: ReservationRow[], now: Date): HoldState[] =>
  holds
    .filter((h) => h.status === "active" && h.expiresAt.getTime() <= now.getTime())
    .map((h) => ({ id: h.id, credits: h.credits, expiresAt: h.expiresAt }));

export type Loaded = Awaited<ReturnType<typeof loadAccount>>;

/** A reservation as the credits code reads it (also what reservations.ts answers). */
export function reservationFromRow(r: HoldRow): ReservationRow {
  return {
    id: r.id,
    orgId: r.org_id,
    credits: num(r.credits),
    status: r.status,
    expiresAt: date(r.expires_at),
    committedCredits: numOrNull(r.committed_credits),
    idempotencyKey: r.idempotency_key,
    reference: r.reference,
    createdAt: date(r.created_at),
    closedAt: dateOrNull(r.closed_at),
    result: typeof r.result === "string" ? JSON.parse(r.result) : r.result,
  };
}

export type PackRow = { price_cents: unknown; credits: unknown; currency: string };
export const SMALLEST_PACK = sql`select price_cents, credits, currency from credit_products where active and credits > 0 order by credits asc, price_cents asc limit 1`;

/** The organization's credit settings, as read with its balance row. */
export function settingsOf(bal: BalanceRow): AccountSettings {
  return {
    precedence: normalizePrecedence(bal.credit_precedence),
    allowOverage: bal.allow_overage,
    lastAllocation: num(bal.last_allocation),
    lowBalanceThreshold: numOrNull(bal.low_balance_threshold),
    overagePricePerCredit: bal.overage_price_per_credit,
    overageCurrency: bal.overage_currency,
  };
}

/** A bucket as the account holds it. */
export const bucketState = (b: BucketRow): BucketState => ({
  id: b.id,
  source: b.source,
  origin: b.origin,
  priority: Number(b.priority),
  expiresAt: dateOrNull(b.expires_at),
  expiredAt: dateOrNull(b.expired_at),
  createdAt: date(b.created_at),
  remaining: num(b.remaining),
  amount: num(b.amount),
});
