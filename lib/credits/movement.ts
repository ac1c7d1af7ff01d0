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
import { AppError, notFound } from "@/lib/http/errors";
import {
  claimKeySql,
  replayClaimed,
  requestHash,
  storeResponseSql,
  type IdempotencyClaim,
  type IdempotentResult,
} from "@/lib/idempotency/idempotent";
import { newId } from "@/lib/ids";
import { metrics } from "@/lib/metrics";
import { dec, minorExponent } from "@/lib/money";
import { CreditAccount, type BucketState, type Entry, type HoldState, type OpMeta } from "./account";
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

/**
 * `alias.ctid = any(…)`: the rows of `table` whose `pk` is one of `values`, found by one primary-key
 * probe each and then read by their tuple ids. A group's statements join a few dozen rows from a
 * jsonb_to_recordset (which the planner takes for 100), and on a table whose statistics lag behind
 * its growth the planner would rather read the whole table; tuple ids leave it no such choice.
 * Only for rows that nobody else can change meanwhile (under the organization's lock, or inserted
 * by this transaction): a row updated while we waited for it has another tuple id.
 */
function byKeys(alias: string, table: string, pk: string, values: string[]): SQL {
  return sql`${sql.raw(alias)}.ctid = any(array(select (select x.ctid from ${sql.raw(table)} x where x.${sql.raw(pk)} = k.v) from jsonb_array_elements_text(${JSON.stringify(values)}::text::jsonb) as k(v)))`;
}

const jsonRows = <T>(v: unknown): T[] =>
  v === null || v === undefined ? [] : ((typeof v === "string" ? JSON.parse(v) : v) as T[]);

const BUCKET_COLUMNS = sql`id, source, origin, priority, expires_at, expired_at, created_at, remaining, amount`;
/** A balance row and its organization's credit settings (`b` and `o`), as BalanceRow reads them. */
const BALANCE_COLUMNS = sql`b.balance, b.last_seq, b.held, b.overage, b.last_allocation, b.low_balance_threshold, b.overage_price_per_credit::text as overage_price_per_credit,
                   b.overage_currency, o.credit_precedence, o.allow_overage`;
const HOLD_COLUMNS = sql`id, org_id, credits, status, expires_at, committed_credits, idempotency_key, reference, created_at, closed_at, result`;

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
function holdFilter(orgId: string | SQL, now: Date, holdId: string | null): SQL {
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
const dueHoldsOf = (holds: ReservationRow[], now: Date): HoldState[] =>
  holds
    .filter((h) => h.status === "active" && h.expiresAt.getTime() <= now.getTime())
    .map((h) => ({ id: h.id, credits: h.credits, expiresAt: h.expiresAt }));

/** The account as the lock found it, with what time did settled: expired holds released, overage repaid, expired buckets written off. */
function openAccount(
  bal: BalanceRow,
  buckets: BucketState[],
  dueHolds: HoldState[],
  now: Date,
): { account: CreditAccount; settings: AccountSettings } {
  const settings = settingsOf(bal);
  const account = new CreditAccount(
    { balance: num(bal.balance), held: num(bal.held), overage: num(bal.overage), buckets },
    settings.precedence,
    now,
  );
  account.expireHolds(dueHolds);
  account.settle();
  return { account, settings };
}

/** Set when a movement took the balance from at or above the low-balance threshold to below it. */
function lowBalanceCrossing(
  settings: AccountSettings,
  lastAllocation: number,
  before: number,
  after: number,
): { balance: number; threshold: number } | null {
  const threshold = lowBalanceThreshold({ explicit: settings.lowBalanceThreshold, lastAllocation });
  return crossedBelow(before, after, threshold) ? { balance: after, threshold: threshold! } : null;
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

type PackRow = { price_cents: unknown; credits: unknown; currency: string };
const SMALLEST_PACK = sql`select price_cents, credits, currency from credit_products where active and credits > 0 order by credits asc, price_cents asc limit 1`;

/** The price of one overage credit: the organization's own, else the list price of the smallest active pack. */
async function overagePrice(
  tx: Executor,
  settings: AccountSettings,
): Promise<{ unitPrice: string | null; currency: string }> {
  if (settings.overagePricePerCredit !== null) return overagePriceFrom(settings, null);
  const [pack] = await rows<PackRow>(SMALLEST_PACK, tx);
  return overagePriceFrom(settings, pack ?? null);
}

function overagePriceFrom(
  settings: AccountSettings,
  pack: PackRow | null,
): { unitPrice: string | null; currency: string } {
  if (settings.overagePricePerCredit !== null)
    return { unitPrice: settings.overagePricePerCredit, currency: settings.overageCurrency };
  if (!pack) return { unitPrice: null, currency: settings.overageCurrency };
  return {
    unitPrice: pricePerCredit(num(pack.price_cents), num(pack.credits), pack.currency),
    currency: pack.currency,
  };
}

function settingsOf(bal: BalanceRow): AccountSettings {
  return {
    precedence: normalizePrecedence(bal.credit_precedence),
    allowOverage: bal.allow_overage,
    lastAllocation: num(bal.last_allocation),
    lowBalanceThreshold: numOrNull(bal.low_balance_threshold),
    overagePricePerCredit: bal.overage_price_per_credit,
    overageCurrency: bal.overage_currency,
  };
}

/** Ledger rows for entries: an id each, and one operation id per operation (its own, or a new one for maintenance). */
function materialize(entries: Entry[], opIds: Map<OpMeta, string>): WrittenEntry[] {
  return entries.map((e) => {
    let op = opIds.get(e.meta);
    if (!op) {
      op = e.meta.operationId ?? newId("led");
      opIds.set(e.meta, op);
    }
    return { ...e, id: newId("led"), operationId: op };
  });
}

const bucketState = (b: BucketRow): BucketState => ({
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

/** A pack's price per credit as an exact decimal string (major units), to ten decimal places at most. */
export function pricePerCredit(priceCents: number, credits: number, currency: string): string {
  return dec(priceCents)
    .div(dec(10).pow(minorExponent(currency)))
    .div(credits)
    .toDecimalPlaces(10)
    .toFixed();
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

const loadOptions = (o: MovementOptions): LoadOptions => ({
  holdId: o.holdId ?? null,
  bucketIds: o.bucketIds ?? [],
  eventCode: o.eventCode,
});

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
  return applyMovement(
    tx,
    orgId,
    now,
    await loadAccount(tx, orgId, now, loadOptions(options)),
    (q) => rows(q, tx),
    step,
  );
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
    pipelinedTransaction(async ({ tx, commitWith }) =>
      applyMovement(tx, orgId, now, await loadAccount(tx, orgId, now, loadOptions(options)), commitWith, step),
    ),
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
  return withOrgGate(orgId, () =>
    pipelinedTransaction(async ({ tx, commitWith }) => {
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
    }),
  );
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
  const { account, settings } = openAccount(bal, buckets, dueHolds, now);
  const ctx: MovementContext = { tx, orgId, now, settings, hold: named, eventCredits: loaded.eventCredits };
  if (ctx.hold && dueHolds.some((h) => h.id === ctx.hold!.id))
    ctx.hold = { ...ctx.hold, status: "expired", closedAt: now };
  const result = await step(account, ctx);
  account.settle();

  const identity = account.identityBalance();
  if (identity !== account.balance)
    throw new Error(
      `credit identity broken for ${orgId}: balance ${account.balance}, buckets − held − overage ${identity}`,
    );

  const entries = materialize(account.entries, new Map());
  const price = entries.some((e) => e.kind === "overage") ? await overagePrice(tx, settings) : null;
  const changed =
    entries.length > 0 ||
    account.changedBuckets.size > 0 ||
    account.holdChanges.length > 0 ||
    account.newHolds.length > 0 ||
    ctx.lastAllocation !== undefined ||
    ctx.extraWrites !== undefined;
  const written: WrittenMovement = {
    entries,
    balance: account.balance,
    held: account.held,
    overage: account.overage,
    overagePrice: price,
  };
  const holdResult = ctx.holdResult?.result(written);
  const extra = ctx.extraWrites?.(written) ?? [];
  const holdResults = ctx.holdResult ? { [ctx.holdResult.id]: holdResult } : undefined;
  const lastSeq = changed
    ? num(
        (
          await sendWrite<{ last_seq: unknown }>(
            writeSql([{ orgId, account, entries, price, holdResults, lastAllocation: ctx.lastAllocation }], now, extra),
          )
        )[0]?.last_seq,
      )
    : num(bal.last_seq);

  for (const e of entries) metrics.creditMovements.inc({ kind: e.kind });
  return {
    result,
    balance: account.balance,
    held: account.held,
    overage: account.overage,
    lastSeq,
    entries,
    lowBalance: lowBalanceCrossing(
      settings,
      ctx.lastAllocation ?? settings.lastAllocation,
      num(bal.balance),
      account.balance,
    ),
    overagePrice: price,
    holdResult,
  };
}

/**
 * A credit spend that goes to Postgres with others (spend-group.ts): its idempotency claim, the
 * credit event to look up, the step on the account (which throws an AppError to refuse) and the
 * answer stored under its key.
 */
export type GroupedSpend<R, B> = {
  orgId: string;
  claim: IdempotencyClaim;
  requestHash: string;
  eventCode: string | null;
  step: (account: CreditAccount, ctx: { settings: AccountSettings; eventCredits: number | null }) => R;
  answer: (written: WrittenMovement, result: R) => { status: number; body: B };
};

export type GroupedOutcome<B> =
  | { kind: "done"; status: number; body: B; lowBalance: { balance: number; threshold: number } | null }
  | { kind: "refused"; error: AppError }
  | { kind: "alone" };

type GroupAccount = {
  account: CreditAccount;
  settings: AccountSettings;
  written: WrittenEntry[];
  opIds: Map<OpMeta, string>;
  balance: number;
  price: WrittenMovement["overagePrice"];
};

/**
 * Many spends, for any organizations, in one transaction of two round trips: the claims of every
 * key, the lock of every balance row (in id order, so two groups never deadlock) and the read of
 * every account go out with BEGIN; the spends are applied in memory in the order given (one
 * organization's spends one after another on its account); one statement writes everything with
 * the COMMIT. A refused spend (insufficient credits, an unknown credit event) leaves no trace: its
 * claim is deleted in the same statement. A key someone else holds (a replay) and an organization
 * without a balance row yet come back as "alone", for the single path. A lock not granted within
 * GROUP_LOCK_TIMEOUT, or anything else unexpected, throws, and nothing of the group is written.
 */
/**
 * How long a group waits for a lock before it gives up (and its spends run one by one). Far above
 * what a movement holds a lock for (milliseconds); it bounds what a lock held too long — a stuck
 * transaction — costs the other customers whose spends share the group.
 */
export const GROUP_LOCK_TIMEOUT = "1s";

export async function runSpendGroup<R, B>(spends: GroupedSpend<R, B>[], now: Date): Promise<GroupedOutcome<B>[]> {
  const json = (v: unknown) => sql`${JSON.stringify(v)}::text::jsonb`;
  const scope = spends[0]!.claim.scope;
  const orgIds = [...new Set(spends.map((s) => s.orgId))].sort();
  const codes = [...new Set(spends.flatMap((s) => (s.eventCode ? [s.eventCode] : [])))];
  return pipelinedTransaction(async ({ tx, commitWith }) => {
    // One pipeline, in this order on the connection: claims, then the locks, then the read (which,
    // being the next statement, sees everything committed before the locks were granted).
    const [, claimed, locked, [state]] = await Promise.all([
      rows(sql`select set_config('lock_timeout', ${GROUP_LOCK_TIMEOUT}, true)`, tx),
      rows<{ org_id: string; key: string }>(
        sql`insert into idempotency_keys (org_id, scope, key, request_hash, status)
            select v.o, ${scope}, v.k, v.h, 0 from jsonb_to_recordset(${json(spends.map((s) => ({ o: s.orgId, k: s.claim.key, h: s.requestHash })))}) as v(o text, k text, h text)
            order by v.o, v.k
            on conflict do nothing returning org_id, key`,
        tx,
      ),
      rows<BalanceRow & { org_id: string }>(
        sql`select b.org_id, ${BALANCE_COLUMNS}
            from credit_balances b join organizations o on o.id = b.org_id
            where b.org_id = any(array(select jsonb_array_elements_text(${json(orgIds)}))) order by b.org_id for update of b`,
        tx,
      ),
      rows<{ accounts: unknown; events: unknown; pack: unknown }>(
        sql`select (select json_agg(json_build_object('org_id', o.id,
                      'buckets', (select json_agg(g order by g.id) from (select ${BUCKET_COLUMNS} from credit_grants where org_id = o.id and remaining > 0) g),
                      'holds', (select json_agg(r order by r.id) from (select ${HOLD_COLUMNS} from credit_reservations where ${holdFilter(sql`o.id`, now, null)}) r)))
                    from jsonb_array_elements_text(${json(orgIds)}) as o(id)) as accounts,
                   (select json_object_agg(code, credits) from credit_events where active and code in (select jsonb_array_elements_text(${json(codes)}))) as events,
                   (select row_to_json(p) from (${SMALLEST_PACK}) p) as pack`,
        tx,
      ),
    ]);
    const isClaimed = new Set(claimed.map((c) => `${c.org_id}\u0000${c.key}`));
    const balances = new Map(locked.map((b) => [b.org_id, b]));
    const stored = new Map(
      jsonRows<{ org_id: string; buckets: unknown; holds: unknown }>(state?.accounts).map((a) => [a.org_id, a]),
    );
    const events = (typeof state?.events === "string" ? JSON.parse(state.events) : (state?.events ?? {})) as Record<
      string,
      unknown
    >;
    const pack = (typeof state?.pack === "string" ? JSON.parse(state.pack) : (state?.pack ?? null)) as PackRow | null;

    const accounts = new Map<string, GroupAccount>();
    const open = (orgId: string, bal: BalanceRow): GroupAccount => {
      let a = accounts.get(orgId);
      if (a) return a;
      const s = stored.get(orgId);
      const { account, settings } = openAccount(
        bal,
        jsonRows<BucketRow>(s?.buckets).map(bucketState),
        dueHoldsOf(jsonRows<HoldRow>(s?.holds).map(reservationFromRow), now),
        now,
      );
      const opIds = new Map<OpMeta, string>();
      // `written` mirrors account.entries, in order: first what time did, then each spend's rows.
      a = {
        account,
        settings,
        written: materialize(account.entries, opIds),
        opIds,
        balance: num(bal.balance),
        price: null,
      };
      accounts.set(orgId, a);
      return a;
    };

    const out: GroupedOutcome<B>[] = [];
    const answers: { o: string; k: string; h: string; status: number; response: B }[] = [];
    const dropped: { o: string; k: string }[] = [];
    for (const s of spends) {
      const bal = balances.get(s.orgId);
      if (!isClaimed.has(`${s.orgId}\u0000${s.claim.key}`)) {
        out.push({ kind: "alone" });
        continue;
      }
      if (!bal) {
        dropped.push({ o: s.orgId, k: s.claim.key });
        out.push({ kind: "alone" });
        continue;
      }
      const a = open(s.orgId, bal);
      const before = a.balance;
      const mark = a.account.entries.length;
      let result: R;
      try {
        // A refusal throws before the account changes (account.ts); anything else ends the group.
        result = s.step(a.account, {
          settings: a.settings,
          eventCredits: s.eventCode ? numOrNull(events[s.eventCode]) : null,
        });
      } catch (e) {
        if (!(e instanceof AppError) || a.account.entries.length !== mark) throw e;
        dropped.push({ o: s.orgId, k: s.claim.key });
        out.push({ kind: "refused", error: e });
        continue;
      }
      a.account.settle();
      if (a.account.identityBalance() !== a.account.balance) throw new Error(`credit identity broken for ${s.orgId}`);
      a.written.push(...materialize(a.account.entries.slice(mark), a.opIds));
      if (a.written.some((e) => e.kind === "overage")) a.price = overagePriceFrom(a.settings, pack);
      const ans = s.answer(
        {
          entries: a.written,
          balance: a.account.balance,
          held: a.account.held,
          overage: a.account.overage,
          overagePrice: a.price,
        },
        result,
      );
      answers.push({ o: s.orgId, k: s.claim.key, h: s.requestHash, status: ans.status, response: ans.body });
      out.push({
        kind: "done",
        status: ans.status,
        body: ans.body,
        lowBalance: lowBalanceCrossing(a.settings, a.settings.lastAllocation, before, a.account.balance),
      });
      a.balance = a.account.balance;
    }

    const extra: SQL[] = [];
    // Each answer goes into the key's row this transaction inserted: the upsert finds it through
    // the key's own unique index, row by row.
    if (answers.length) {
      extra.push(sql`idem as (insert into idempotency_keys as k (org_id, scope, key, request_hash, status, response)
        select v.o, ${scope}, v.k, v.h, v.status, v.response from jsonb_to_recordset(${json(answers)}) as v(o text, k text, h text, status int, response jsonb)
        on conflict (org_id, scope, key) do update set status = excluded.status, response = excluded.response returning 1)`);
    }
    if (dropped.length) {
      extra.push(sql`dropped as (delete from idempotency_keys k
        where k.ctid = any(array(select (select x.ctid from idempotency_keys x where x.org_id = v.o and x.scope = ${scope} and x.key = v.k)
                                   from jsonb_to_recordset(${json(dropped)}) as v(o text, k text))) returning 1)`);
    }
    const writes: OrgWrite[] = [];
    // An organization whose spends were all refused still gets what time did (expired holds and buckets).
    for (const [orgId, a] of accounts) {
      if (a.written.length || a.account.changedBuckets.size || a.account.holdChanges.length)
        writes.push({ orgId, account: a.account, entries: a.written, price: a.price });
    }
    await commitWith(writeSql(writes, now, extra));
    for (const w of writes) for (const e of w.entries) metrics.creditMovements.inc({ kind: e.kind });
    return out;
  });
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
    o.account.buckets
      .filter((b) => !b.isNew && o.account.changedBuckets.has(b.id))
      .map((b) => ({
        org_id: o.orgId,
        id: b.id,
        remaining: b.remaining,
        expired_at: b.expiredAt?.toISOString() ?? null,
      })),
  );
  if (updated.length) {
    parts.push(sql`upd_grants as (
      update credit_grants g set remaining = v.remaining, expired_at = v.expired_at
      from jsonb_to_recordset(${json(updated)}) as v(org_id text, id text, remaining bigint, expired_at timestamptz)
      where ${byKeys(
        "g",
        "credit_grants",
        "id",
        updated.map((u) => u.id),
      )} and g.org_id = v.org_id and g.id = v.id returning 1)`);
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
    o.account.holdChanges.map((h) => ({
      org_id: o.orgId,
      id: h.id,
      status: h.status,
      committed_credits: h.committedCredits,
      result: o.holdResults?.[h.id] ?? null,
    })),
  );
  if (holdChanges.length) {
    parts.push(sql`upd_holds as (
      update credit_reservations r set status = v.status, committed_credits = v.committed_credits, closed_at = ${ts(now)}, result = v.result
      from jsonb_to_recordset(${json(holdChanges)}) as v(org_id text, id text, status text, committed_credits bigint, result jsonb)
      where ${byKeys(
        "r",
        "credit_reservations",
        "id",
        holdChanges.map((h) => h.id),
      )} and r.org_id = v.org_id and r.id = v.id and r.status = 'active' returning 1)`);
  }
  const newHolds = orgs.flatMap((o) =>
    o.account.newHolds.map((h) => ({
      org_id: o.orgId,
      id: h.id,
      credits: h.credits,
      expires_at: h.expiresAt.toISOString(),
      idempotency_key: h.meta.idempotencyKey,
      reference: h.meta.reference ?? null,
      actor: h.meta.actor,
    })),
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
  const balances = orgs.map((o) => ({
    org_id: o.orgId,
    balance: o.account.balance,
    held: o.account.held,
    overage: o.account.overage,
    last_allocation: o.lastAllocation ?? null,
  }));
  const withClause = parts.length ? sql`with ${sql.join(parts, sql`, `)} ` : sql``;
  const lastSeq = ledger.length
    ? sql`coalesce((select max(l.seq) from ins_ledger l where l.org_id = b.org_id), b.last_seq)`
    : sql`b.last_seq`;
  return sql`${withClause}update credit_balances b set balance = v.balance, held = v.held, overage = v.overage,
          last_seq = ${lastSeq}, last_allocation = coalesce(v.last_allocation, b.last_allocation), updated_at = ${ts(now)}
        from jsonb_to_recordset(${json(balances)}) as v(org_id text, balance bigint, held bigint, overage bigint, last_allocation bigint)
        where ${byKeys(
          "b",
          "credit_balances",
          "org_id",
          orgs.map((o) => o.orgId),
        )} and b.org_id = v.org_id returning b.org_id, b.last_seq`;
}
