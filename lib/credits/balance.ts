// Reading an organization's credits: the balance row and its buckets in one statement (one
// snapshot), so the numbers always agree with each other and with the ledger. When a hold or a
// bucket has passed its expiry and nobody has written that yet, the read settles it first, so
// what a caller sees is exact at that instant.
import "server-only";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import type { CreditSource, GrantOrigin } from "@/lib/db/schema";
import { isLow, lowBalanceThreshold } from "./low-balance-rule";
import { runOwnMovement } from "./movement";
import { allowOverageSql } from "./on-empty";
import { drawOrder, normalizePrecedence } from "./precedence";
import type { CreditBalanceJson } from "./schemas";

export type BucketView = {
  id: string;
  source: CreditSource;
  origin: GrantOrigin;
  amount: number;
  remaining: number;
  priority: number;
  expiresAt: Date | null;
  expiredAt: Date | null;
  reference: string | null;
  reason: string | null;
  createdAt: Date;
};

export type CreditBalanceView = {
  orgId: string;
  balance: number;
  held: number;
  overage: number;
  /** The ledger row the balance is as of (its balance_after equals `balance`); 0 before any movement. */
  lastSeq: number;
  lastTransactionId: string | null;
  precedence: CreditSource[];
  allowOverage: boolean;
  lowBalanceThreshold: number | null;
  low: boolean;
  buckets: BucketView[];
  asOf: Date;
};

type Row = {
  balance: unknown;
  held: unknown;
  overage: unknown;
  last_seq: unknown;
  last_allocation: unknown;
  low_balance_threshold: unknown;
  credit_precedence: string[] | null;
  allow_overage: boolean;
  last_id: string | null;
  due: boolean;
  buckets: unknown;
};

type BucketJsonRow = {
  id: string;
  source: CreditSource;
  origin: GrantOrigin;
  amount: number;
  remaining: number;
  priority: number;
  expires_at: string | null;
  expired_at: string | null;
  reference: string | null;
  reason: string | null;
  created_at: string;
};

async function read(orgId: string, now: Date, includeSpent: boolean): Promise<Row | undefined> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const bucketFilter = includeSpent ? sql`` : sql` and remaining > 0`;
  const [row] = await rows<Row>(
    sql`select coalesce(b.balance, 0) as balance, coalesce(b.held, 0) as held, coalesce(b.overage, 0) as overage, coalesce(b.last_seq, 0) as last_seq,
               coalesce(b.last_allocation, 0) as last_allocation, b.low_balance_threshold, o.credit_precedence, ${allowOverageSql(sql`o.id`, sql`o.allow_overage`)} as allow_overage,
               (select l.id from credit_ledger l where l.org_id = o.id and l.seq = b.last_seq) as last_id,
               (exists (select 1 from credit_reservations r where r.org_id = o.id and r.status = 'active' and r.expires_at <= ${at})
                or exists (select 1 from credit_grants g where g.org_id = o.id and g.remaining > 0 and g.expires_at <= ${at} and g.expired_at is null and coalesce(b.balance, 0) > 0)) as due,
               (select coalesce(json_agg(g order by g.remaining = 0, g.expires_at nulls last, g.created_at desc), '[]'::json) from (
                  select id, source, origin, amount, remaining, priority, expires_at, expired_at, reference, reason, created_at
                  from credit_grants where org_id = o.id${bucketFilter} order by created_at desc limit 200) g) as buckets
        from organizations o left join credit_balances b on b.org_id = o.id
        where o.id = ${orgId}`,
  );
  return row;
}

export async function getCreditBalance(
  orgId: string,
  opts: { now?: Date; includeSpent?: boolean } = {},
): Promise<CreditBalanceView | null> {
  const now = opts.now ?? new Date();
  let row = await read(orgId, now, opts.includeSpent ?? false);
  if (!row) return null;
  if (row.due) {
    await runOwnMovement(orgId, now, {}, () => undefined);
    row = (await read(orgId, now, opts.includeSpent ?? false))!;
  }
  const raw = (typeof row.buckets === "string" ? JSON.parse(row.buckets) : row.buckets) as BucketJsonRow[];
  const precedence = normalizePrecedence(row.credit_precedence);
  const all: BucketView[] = raw.map((b) => ({
    id: b.id,
    source: b.source,
    origin: b.origin,
    amount: Number(b.amount),
    remaining: Number(b.remaining),
    priority: Number(b.priority),
    expiresAt: b.expires_at ? new Date(b.expires_at) : null,
    expiredAt: b.expired_at ? new Date(b.expired_at) : null,
    reference: b.reference,
    reason: b.reason,
    createdAt: new Date(b.created_at),
  }));
  // Live buckets in the order they will be spent; spent and expired ones after, newest first.
  const live = drawOrder(all, precedence, now);
  const buckets = [...live, ...all.filter((b) => b.remaining === 0)];
  const balance = Number(row.balance);
  const threshold = lowBalanceThreshold({
    explicit: row.low_balance_threshold === null ? null : Number(row.low_balance_threshold),
    lastAllocation: Number(row.last_allocation),
  });
  return {
    orgId,
    balance,
    held: Number(row.held),
    overage: Number(row.overage),
    lastSeq: Number(row.last_seq),
    lastTransactionId: row.last_id,
    precedence,
    allowOverage: row.allow_overage,
    lowBalanceThreshold: threshold,
    low: isLow(balance, threshold),
    asOf: now,
    buckets,
  };
}

export function balanceJson(v: CreditBalanceView): CreditBalanceJson {
  return {
    object: "credit_balance" as const,
    customer_id: v.orgId,
    balance: v.balance,
    // The ledger's view alone; exactBalanceJson (drawdown-read.ts) adds usage not yet drawn down.
    ledger_balance: v.balance,
    pending_usage_credits: 0,
    held: v.held,
    overage: v.overage,
    last_transaction_id: v.lastTransactionId,
    low_balance: { threshold: v.lowBalanceThreshold, below: v.low },
    precedence: v.precedence,
    allow_overage: v.allowOverage,
    buckets: v.buckets.map((b) => ({
      id: b.id,
      source: b.source,
      origin: b.origin,
      amount: b.amount,
      remaining: b.remaining,
      priority: b.priority,
      expires_at: b.expiresAt?.toISOString() ?? null,
      expired_at: b.expiredAt?.toISOString() ?? null,
      reference: b.reference,
      reason: b.reason,
      created_at: b.createdAt.toISOString(),
    })),
    as_of: v.asOf.toISOString(),
  };
}
