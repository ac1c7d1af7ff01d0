// The shell around the pure account (account.ts): every movement of an organization's credits runs
// here, inside the caller's transaction.
//
// Locking: the organization's credit_balances row is the one lock (SELECT … FOR UPDATE). Every
// write to its buckets, reservations and ledger happens here, under that lock, so movements of one
// organization are serialized and never deadlock, and movements of different organizations never
// touch the same rows. The state is read by a statement pipelined behind the lock (loadAccount) and
// everything is written in one more statement. A movement that is a transaction of its own (a
// spend, a reservation, its commit or release) sends BEGIN with the first statements and COMMIT with the write
// (pipelinedTransaction): two round trips in all. Nothing in the transaction waits on anything but
// Postgres.
//
// Each movement first settles what time has done: holds past their TTL are released, outstanding
// overage is repaid from free credits, and buckets past their expiry are written off — so an
// expired hold never blocks a spend and an expired bucket is never spent, whether or not the
// expiry job has run yet.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { pipelinedTransaction, rows, type Executor } from "@/lib/db/client";
import type { CreditSource, GrantOrigin, ReservationStatus } from "@/lib/db/schema/credits";
import { notFound } from "@/lib/http/errors";
import { claimKeySql, replayClaimed, requestHash, storeResponseSql, type IdempotencyClaim, type IdempotentResult } from "@/lib/idempotency/idempotent";
import { newId } from "@/lib/ids";
import { metrics } from "@/lib/metrics";
import { dec, minorExponent } from "@/lib/money";
import { CreditAccount, type BucketState, type Entry, type OpMeta } from "./account";
import { crossedBelow, lowBalanceThreshold } from "./low-balance-rule";
import { withOrgGate } from "./org-gate";
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

export type MovementContext = {
  tx: Executor;
  orgId: string;
  now: Date;
  settings: AccountSettings;
  /** The reservation named by the movement (any status), loaded and locked after the balance row. */
  hold: ReservationRow | null;
  /** A commit's answer, stored on its reservation so a repeated commit replays it. */
  holdResult?: { id: string; result: (written: WrittenMovement) => unknown };
  /** Set by an allocation: the default low-balance threshold follows the newest allocation. */
  lastAllocation?: number;
  /** Credits per unit of the credit event named in the options; null when unknown or inactive. */
  eventCredits: number | null;
  /** More writes for the movement's one write statement, as named CTEs (`name as (…)`). */
  extraWrites?: (written: WrittenMovement) => SQL[];
};

export type WrittenEntry = Entry & { id: string; operationId: string };

/** What a movement wrote, as a commit's stored answer sees it. */
export type WrittenMovement = {
  entries: WrittenEntry[];
  balance: number;
  held: number;
  overage: number;
  overagePrice: { unitPrice: string | null; currency: string } | null;
};

export type MovementOutcome<T> = {
  result: T;
  balance: number;
  held: number;
  overage: number;
  lastSeq: number;
  entries: WrittenEntry[];
  /** Set when this movement took the balance below the low-balance threshold. */
  lowBalance: { balance: number; threshold: number } | null;
  /** The price overage rows of this movement were recorded at. */
  overagePrice: { unitPrice: string | null; currency: string } | null;
  /** The evaluated ctx.holdResult, when the step set one. */
  holdResult: unknown;
};

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

type BalanceRow = {
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

type BucketRow = {
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

type HoldRow = {
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

const jsonRows = <T>(v: unknown): T[] => (v === null || v === undefined ? [] : ((typeof v === "string" ? JSON.parse(v) : v) as T[]));

const BUCKET_COLUMNS = sql`id, source, origin, priority, expires_at, expired_at, created_at, remaining, amount`;
const HOLD_COLUMNS = sql`id, org_id, credits, status, expires_at, committed_credits, idempotency_key, reference, created_at, closed_at, result`;

function bucketFilter(orgId: string, extraIds: string[]): SQL {
  const extra = extraIds.length ? sql` or id in (${sql.join(extraIds.map((i) => sql`${i}`), sql`, `)})` : sql``;
  return sql`org_id = ${orgId} and (remaining > 0${extra})`;
}

/** Active holds past their TTL, and the reservation a movement names (whatever its status). */
function holdFilter(orgId: string, now: Date, holdId: string | null): SQL {
  const named = holdId ? sql` or id = ${holdId}` : sql``;
  return sql`org_id = ${orgId} and ((status = 'active' and expires_at <= ${ts(now)})${named})`;
}

/**
 * Locks the organization's balance row and reads what the movement needs. The read is sent right
 * behind the lock on the same connection (pipelined), so it costs no extra round trip, yet — being
 * the next statement — it runs only once the lock is granted and, under READ COMMITTED, sees
 * everything committed before that. (Reading in the locking statement itself would not: its
 * snapshot predates the wait.) Every write to buckets, reservations and the ledger happens under
 * this lock (runMovement), which is what makes the balance row the one lock to take.
 */
type LoadOptions = { holdId: string | null; bucketIds: string[]; eventCode?: string | null; claim?: SQL };

async function loadAccount(tx: Executor, orgId: string, now: Date, opts: LoadOptions) {
  const event = opts.eventCode ? sql`(select credits from credit_events where code = ${opts.eventCode} and active)` : sql`null::int`;
  // An idempotency claim goes first in the same pipeline: a request that repeats a key in flight
  // waits on the key before it takes the organization's lock, as with idempotent().
  const claim = opts.claim;
  const claimRows = claim ? () => rows<{ key: string }>(claim, tx) : async () => [{ key: "" }];
  const lockAndRead = () =>
    Promise.all([
      rows<BalanceRow>(
        sql`select b.balance, b.last_seq, b.held, b.overage, b.last_allocation, b.low_balance_threshold, b.overage_price_per_credit::text as overage_price_per_credit,
                   b.overage_currency, o.credit_precedence, o.allow_overage
            from credit_balances b join organizations o on o.id = b.org_id
            where b.org_id = ${orgId} for update of b`,
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
  const buckets: BucketState[] = jsonRows<BucketRow>(state?.buckets).map((b) => ({
    id: b.id,
    source: b.source,
    origin: b.origin,
    priority: Number(b.priority),
    expiresAt: dateOrNull(b.expires_at),
    expiredAt: dateOrNull(b.expired_at),
    createdAt: date(b.created_at),
    remaining: num(b.remaining),
    amount: num(b.amount),
  }));
  const holds = jsonRows<HoldRow>(state?.holds).map(reservationFromRow);
  return {
    claimed: isClaimed,
    bal: row!,
    eventCredits: numOrNull(state?.event_credits),
    buckets,
    dueHolds: holds.filter((h) => h.status === "active" && h.expiresAt.getTime() <= now.getTime()).map((h) => ({ id: h.id, credits: h.credits, expiresAt: h.expiresAt })),
    named: holds.find((h) => h.id === opts.holdId) ?? null,
  };
}

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

/** The price of one overage credit: the organization's own, else the list price of the smallest active pack. */
async function overagePrice(tx: Executor, settings: AccountSettings): Promise<{ unitPrice: string | null; currency: string }> {
  if (settings.overagePricePerCredit !== null) return { unitPrice: settings.overagePricePerCredit, currency: settings.overageCurrency };
  const [pack] = await rows<{ price_cents: unknown; credits: unknown; currency: string }>(
    sql`select price_cents, credits, currency from credit_products where active and credits > 0 order by credits asc, price_cents asc limit 1`,
    tx,
  );
  if (!pack) return { unitPrice: null, currency: settings.overageCurrency };
  return { unitPrice: pricePerCredit(num(pack.price_cents), num(pack.credits), pack.currency), currency: pack.currency };
}

/** A pack's price per credit as an exact decimal string (major units), to ten decimal places at most. */
export function pricePerCredit(priceCents: number, credits: number, currency: string): string {
  return dec(priceCents).div(dec(10).pow(minorExponent(currency))).div(credits).toDecimalPlaces(10).toFixed();
}

export type MovementOptions = {
  /** A reservation the movement acts on: loaded with the account. */
  holdId?: string | null;
  /** Buckets to load even when empty (a correction into a spent bucket). */
  bucketIds?: string[];
  /** The caller's own operation id (a consumption's id); maintenance gets ids of its own. */
  operationId?: string;
  /** A credit event to look up with the account (ctx.eventCredits: its credits per unit, null if unknown or inactive). */
  eventCode?: string | null;
};

type Loaded = Awaited<ReturnType<typeof loadAccount>>;

const loadOptions = (o: MovementOptions): LoadOptions => ({ holdId: o.holdId ?? null, bucketIds: o.bucketIds ?? [], eventCode: o.eventCode });

/**
 * Runs `step` on the organization's account under its lock and writes everything it did. `step`
 * throws to refuse (e.g. insufficient credits): nothing is written then.
 */
export async function runMovement<T>(
  tx: Executor,
  orgId: string,
  now: Date,
  options: MovementOptions,
  step: (account: CreditAccount, ctx: MovementContext) => T | Promise<T>,
): Promise<MovementOutcome<T>> {
  return applyMovement(tx, orgId, now, await loadAccount(tx, orgId, now, loadOptions(options)), (q) => rows(q, tx), step);
}

/**
 * runMovement as a transaction of its own, in two round trips (pipelinedTransaction: BEGIN with the
 * lock and read, COMMIT with the write), behind the organization's in-process gate.
 */
export function runOwnMovement<T>(
  orgId: string,
  now: Date,
  options: MovementOptions,
  step: (account: CreditAccount, ctx: MovementContext) => T | Promise<T>,
): Promise<MovementOutcome<T>> {
  return withOrgGate(orgId, () =>
    pipelinedTransaction(async ({ tx, commitWith }) => applyMovement(tx, orgId, now, await loadAccount(tx, orgId, now, loadOptions(options)), commitWith, step)),
  );
}

/**
 * runMovement behind an idempotency key, in a transaction of its own: the claim, the lock and the
 * read go to Postgres as one pipeline, and the answer is stored with the movement's writes. A key
 * already used answers its first response again (or 409 for another body); a refusal stores nothing.
 */
export async function runIdempotentMovement<T, B>(
  orgId: string,
  now: Date,
  claim: IdempotencyClaim & { request: unknown },
  options: MovementOptions,
  step: (account: CreditAccount, ctx: MovementContext) => T,
  answer: (written: WrittenMovement, result: T) => { status: number; body: B },
): Promise<IdempotentResult<B> & { outcome: MovementOutcome<T> | null }> {
  const hash = requestHash(claim.request);
  return withOrgGate(orgId, () => pipelinedTransaction(async ({ tx, commitWith }) => {
    const loaded = await loadAccount(tx, orgId, now, { ...loadOptions(options), claim: claimKeySql(claim, hash) });
    if (!loaded.claimed) return { ...(await replayClaimed<B>(tx, claim, hash)), outcome: null };
    let ans: { status: number; body: B } | undefined;
    // The one write goes out with the COMMIT.
    const outcome = await applyMovement(tx, orgId, now, loaded, commitWith, (account, ctx) => {
      const result = step(account, ctx);
      ctx.extraWrites = (w) => {
        ans = answer(w, result);
        return [sql`idem as (${storeResponseSql(claim, ans.status, ans.body)})`];
      };
      return result;
    });
    return { status: ans!.status, body: ans!.body, replayed: false, outcome };
  }));
}

async function applyMovement<T>(
  tx: Executor,
  orgId: string,
  now: Date,
  loaded: Loaded,
  /** Runs the movement's one write statement (with the COMMIT, when the transaction is the movement's own). */
  sendWrite: <R>(q: SQL) => Promise<R[]>,
  step: (account: CreditAccount, ctx: MovementContext) => T | Promise<T>,
): Promise<MovementOutcome<T>> {
  const { bal, buckets, dueHolds, named } = loaded;
  const settings: AccountSettings = {
    precedence: normalizePrecedence(bal.credit_precedence),
    allowOverage: bal.allow_overage,
    lastAllocation: num(bal.last_allocation),
    lowBalanceThreshold: numOrNull(bal.low_balance_threshold),
    overagePricePerCredit: bal.overage_price_per_credit,
    overageCurrency: bal.overage_currency,
  };
  const balanceBefore = num(bal.balance);
  const account = new CreditAccount({ balance: balanceBefore, held: num(bal.held), overage: num(bal.overage), buckets }, settings.precedence, now);
  account.expireHolds(dueHolds);
  account.settle();
  const ctx: MovementContext = { tx, orgId, now, settings, hold: named, eventCredits: loaded.eventCredits };
  if (ctx.hold && dueHolds.some((h) => h.id === ctx.hold!.id)) ctx.hold = { ...ctx.hold, status: "expired", closedAt: now };
  const result = await step(account, ctx);
  account.settle();

  const identity = account.identityBalance();
  if (identity !== account.balance) throw new Error(`credit identity broken for ${orgId}: balance ${account.balance}, buckets − held − overage ${identity}`);

  const opIds = new Map<OpMeta, string>();
  const entries: WrittenEntry[] = account.entries.map((e) => {
    let op = opIds.get(e.meta);
    if (!op) {
      op = e.meta.operationId ?? newId("led");
      opIds.set(e.meta, op);
    }
    return { ...e, id: newId("led"), operationId: op };
  });
  const price = entries.some((e) => e.kind === "overage") ? await overagePrice(tx, settings) : null;
  const changed =
    entries.length > 0 || account.changedBuckets.size > 0 || account.holdChanges.length > 0 || account.newHolds.length > 0 || ctx.lastAllocation !== undefined || ctx.extraWrites !== undefined;
  const written: WrittenMovement = { entries, balance: account.balance, held: account.held, overage: account.overage, overagePrice: price };
  const holdResult = ctx.holdResult?.result(written);
  const extra = ctx.extraWrites?.(written) ?? [];
  const holdResults = ctx.holdResult ? { [ctx.holdResult.id]: holdResult } : undefined;
  const lastSeq = changed
    ? num((await sendWrite<{ last_seq: unknown }>(writeSql([{ orgId, account, entries, price, holdResults, lastAllocation: ctx.lastAllocation }], now, extra)))[0]?.last_seq)
    : num(bal.last_seq);

  for (const e of entries) metrics.creditMovements.inc({ kind: e.kind });
  const threshold = lowBalanceThreshold({ explicit: settings.lowBalanceThreshold, lastAllocation: ctx.lastAllocation ?? settings.lastAllocation });
  return {
    result,
    balance: account.balance,
    held: account.held,
    overage: account.overage,
    lastSeq,
    entries,
    lowBalance: crossedBelow(balanceBefore, account.balance, threshold) ? { balance: account.balance, threshold: threshold! } : null,
    overagePrice: price,
    holdResult,
  };
}

/** One organization's share of a write statement: what its account did in memory. */
export type OrgWrite = {
  orgId: string;
  account: CreditAccount;
  entries: WrittenEntry[];
  price: { unitPrice: string | null; currency: string } | null;
  /** Stored answers of the reservations this write closes, by reservation id. */
  holdResults?: Record<string, unknown>;
  /** Set by an allocation. */
  lastAllocation?: number;
};

/**
 * The one write statement for any number of organizations (each already locked): bucket updates
 * and new buckets, hold changes and new holds, ledger rows (in entry order, so `seq` follows it),
 * and each balance row — answering `org_id, last_seq` per organization. `extra` adds named CTEs
 * (`name as (…)`) that run in the same statement (stored idempotent answers).
 */
export function writeSql(orgs: OrgWrite[], now: Date, extra: SQL[] = []): SQL {
  const parts: SQL[] = [...extra];
  const json = (v: unknown) => sql`${JSON.stringify(v)}::text::jsonb`;

  const updated = orgs.flatMap((o) =>
    o.account.buckets.filter((b) => !b.isNew && o.account.changedBuckets.has(b.id)).map((b) => ({ org_id: o.orgId, id: b.id, remaining: b.remaining, expired_at: b.expiredAt?.toISOString() ?? null })),
  );
  if (updated.length) {
    parts.push(sql`upd_grants as (
      update credit_grants g set remaining = v.remaining, expired_at = v.expired_at
      from jsonb_to_recordset(${json(updated)}) as v(org_id text, id text, remaining bigint, expired_at timestamptz)
      where g.org_id = v.org_id and g.id = v.id returning 1)`);
  }
  const inserted = orgs.flatMap((o) =>
    o.account.buckets
      .filter((b) => b.isNew)
      .map((b) => ({
        org_id: o.orgId,
        id: b.id,
        source: b.source,
        origin: b.origin,
        amount: b.amount,
        remaining: b.remaining,
        priority: b.priority,
        expires_at: b.expiresAt?.toISOString() ?? null,
        expired_at: b.expiredAt?.toISOString() ?? null,
        idempotency_key: b.insert?.idempotencyKey ?? null,
        reference: b.insert?.reference ?? null,
        credit_product_id: b.insert?.creditProductId ?? null,
        subscription_id: b.insert?.subscriptionId ?? null,
        reason: b.insert?.reason ?? null,
        actor: b.insert?.actor ?? "system",
      })),
  );
  if (inserted.length) {
    parts.push(sql`ins_grants as (
      insert into credit_grants (id, org_id, source, origin, amount, remaining, priority, expires_at, expired_at, idempotency_key, reference, credit_product_id, subscription_id, reason, actor, created_at)
      select v.id, v.org_id, v.source, v.origin, v.amount, v.remaining, v.priority, v.expires_at, v.expired_at, v.idempotency_key, v.reference, v.credit_product_id, v.subscription_id, v.reason, v.actor, ${ts(now)}
      from jsonb_to_recordset(${json(inserted)}) as v(org_id text, id text, source text, origin text, amount bigint, remaining bigint, priority int, expires_at timestamptz, expired_at timestamptz,
               idempotency_key text, reference text, credit_product_id text, subscription_id text, reason text, actor text)
      returning 1)`);
  }
  const holdChanges = orgs.flatMap((o) =>
    o.account.holdChanges.map((h) => ({ org_id: o.orgId, id: h.id, status: h.status, committed_credits: h.committedCredits, result: o.holdResults?.[h.id] ?? null })),
  );
  if (holdChanges.length) {
    parts.push(sql`upd_holds as (
      update credit_reservations r set status = v.status, committed_credits = v.committed_credits, closed_at = ${ts(now)}, result = v.result
      from jsonb_to_recordset(${json(holdChanges)}) as v(org_id text, id text, status text, committed_credits bigint, result jsonb)
      where r.org_id = v.org_id and r.id = v.id and r.status = 'active' returning 1)`);
  }
  const newHolds = orgs.flatMap((o) =>
    o.account.newHolds.map((h) => ({ org_id: o.orgId, id: h.id, credits: h.credits, expires_at: h.expiresAt.toISOString(), idempotency_key: h.meta.idempotencyKey, reference: h.meta.reference ?? null, actor: h.meta.actor })),
  );
  if (newHolds.length) {
    parts.push(sql`ins_holds as (
      insert into credit_reservations (id, org_id, credits, status, expires_at, idempotency_key, reference, actor, created_at)
      select v.id, v.org_id, v.credits, 'active', v.expires_at, v.idempotency_key, v.reference, v.actor, ${ts(now)}
      from jsonb_to_recordset(${json(newHolds)}) as v(org_id text, id text, credits bigint, expires_at timestamptz, idempotency_key text, reference text, actor text)
      returning 1)`);
  }
  let ord = 0;
  const ledger = orgs.flatMap((o) =>
    o.entries.map((e) => ({
      ord: ord++,
      org_id: o.orgId,
      id: e.id,
      operation_id: e.operationId,
      kind: e.kind,
      bucket_id: e.bucketId,
      source: e.source,
      amount: e.amount,
      bucket_delta: e.bucketDelta,
      balance_after: e.balanceAfter,
      held_after: e.heldAfter,
      credit_event: e.meta.creditEvent ?? null,
      quantity: e.meta.quantity ?? null,
      reservation_id: e.reservationId,
      reference: e.meta.reference ?? null,
      reason: e.meta.reason ?? null,
      idempotency_key: e.meta.idempotencyKey ?? null,
      unit_price: e.kind === "overage" ? (o.price?.unitPrice ?? null) : null,
      currency: e.kind === "overage" ? (o.price?.currency ?? null) : null,
      actor: e.meta.actor,
    })),
  );
  if (ledger.length) {
    parts.push(sql`ins_ledger as (
      insert into credit_ledger (id, org_id, operation_id, kind, bucket_id, source, amount, bucket_delta, balance_after, held_after, credit_event, quantity,
                                 reservation_id, reference, reason, idempotency_key, unit_price, currency, actor, created_at)
      select v.id, v.org_id, v.operation_id, v.kind, v.bucket_id, v.source, v.amount, v.bucket_delta, v.balance_after, v.held_after, v.credit_event, v.quantity,
             v.reservation_id, v.reference, v.reason, v.idempotency_key, v.unit_price, v.currency, v.actor, ${ts(now)}
      from jsonb_to_recordset(${json(ledger)})
        as v(ord int, org_id text, id text, operation_id text, kind text, bucket_id text, source text, amount bigint, bucket_delta bigint, balance_after bigint, held_after bigint,
             credit_event text, quantity numeric, reservation_id text, reference text, reason text, idempotency_key text, unit_price numeric, currency text, actor text)
      order by v.ord
      returning org_id, seq)`);
  }
  const balances = orgs.map((o) => ({ org_id: o.orgId, balance: o.account.balance, held: o.account.held, overage: o.account.overage, last_allocation: o.lastAllocation ?? null }));
  const withClause = parts.length ? sql`with ${sql.join(parts, sql`, `)} ` : sql``;
  const lastSeq = ledger.length ? sql`coalesce((select max(l.seq) from ins_ledger l where l.org_id = b.org_id), b.last_seq)` : sql`b.last_seq`;
  return sql`${withClause}update credit_balances b set balance = v.balance, held = v.held, overage = v.overage,
          last_seq = ${lastSeq}, last_allocation = coalesce(v.last_allocation, b.last_allocation), updated_at = ${ts(now)}
        from jsonb_to_recordset(${json(balances)}) as v(org_id text, balance bigint, held bigint, overage bigint, last_allocation bigint)
        where b.org_id = v.org_id returning b.org_id, b.last_seq`;
}
