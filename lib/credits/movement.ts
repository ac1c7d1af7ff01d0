// The shell around the pure account (account.ts): every movement of an organization's credits runs
// here, inside the caller's transaction. Split by what each part does: movement-load.ts (lock and
// read), movement-decide.ts (the account in memory), movement-write.ts (the one write statement),
// this file (run one movement) and movement-group.ts (run a group of spends in one transaction).
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
import {
  claimKeySql,
  replayClaimed,
  requestHash,
  storeResponseSql,
  type IdempotencyClaim,
  type IdempotentResult,
} from "@/lib/idempotency/idempotent";
import { metrics } from "@/lib/metrics";
import type { CreditAccount } from "./account";
import {
  depletedCrossing,
  lowBalanceCrossing,
  materialize,
  openAccount,
  overagePriceFrom,
  type WrittenEntry,
  type WrittenMovement,
} from "./movement-decide";
import {
  loadAccount,
  num,
  SMALLEST_PACK,
  type AccountSettings,
  type Loaded,
  type LoadOptions,
  type PackRow,
  type ReservationRow,
} from "./movement-load";
import { writeSql } from "./movement-write";
import { withOrgGate } from "./org-gate";

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

export type MovementOutcome<T> = {
  result: T;
  balance: number;
  held: number;
  overage: number;
  lastSeq: number;
  entries: WrittenEntry[];
  /** Set when this movement took the balance below the low-balance threshold. */
  lowBalance: { balance: number; threshold: number } | null;
  /** Set when this movement took the balance from above zero to zero or below. */
  depleted: { balance: number } | null;
  /** The price overage rows of this movement were recorded at. */
  overagePrice: { unitPrice: string | null; currency: string } | null;
  /** The evaluated ctx.holdResult, when the step set one. */
  holdResult: unknown;
};

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

/** The price of one overage credit: the organization's own, else the list price of the smallest active pack. */
async function overagePrice(
  tx: Executor,
  settings: AccountSettings,
): Promise<{ unitPrice: string | null; currency: string }> {
  if (settings.overagePricePerCredit !== null) return overagePriceFrom(settings, null);
  const [pack] = await rows<PackRow>(SMALLEST_PACK, tx);
  return overagePriceFrom(settings, pack ?? null);
}

/**
 * The movement on the loaded account: `step` runs on it, time's settlement follows, the credit
 * identity is checked, and everything it did goes out as one write statement (none when nothing
 * changed).
 */
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
    depleted: depletedCrossing(num(bal.balance), account.balance),
    overagePrice: price,
    holdResult,
  };
}
