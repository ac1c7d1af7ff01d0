// Run, many at once: the group commit's transaction (spend-group.ts queues the spends): the claims,
// locks and reads of every account with BEGIN, the spends applied in memory, one write with COMMIT.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { pipelinedTransaction, rows } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { IdempotencyClaim } from "@/lib/idempotency/idempotent";
import { metrics } from "@/lib/metrics";
import type { CreditAccount, OpMeta } from "./account";
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
  BALANCE_COLUMNS,
  BUCKET_COLUMNS,
  bucketState,
  dueHoldsOf,
  holdFilter,
  HOLD_COLUMNS,
  jsonRows,
  num,
  numOrNull,
  reservationFromRow,
  SMALLEST_PACK,
  type AccountSettings,
  type BalanceRow,
  type BucketRow,
  type HoldRow,
  type PackRow,
} from "./movement-load";
import { json, writeSql, type OrgWrite } from "./movement-write";

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
  | {
      kind: "done";
      status: number;
      body: B;
      lowBalance: { balance: number; threshold: number } | null;
      depleted: { balance: number } | null;
    }
  | { kind: "refused"; error: AppError }
  | { kind: "alone" };

export type GroupAccount = {
  account: CreditAccount;
  settings: AccountSettings;
  written: WrittenEntry[];
  opIds: Map<OpMeta, string>;
  balance: number;
  price: WrittenMovement["overagePrice"];
};

/**
 * How long a group waits for a lock before it gives up (and its spends run one by one). Far above
 * what a movement holds a lock for (milliseconds); it bounds what a lock held too long — a stuck
 * transaction — costs the other customers whose spends share the group.
 */
export const GROUP_LOCK_TIMEOUT = "1s";

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
export async function runSpendGroup<R, B>(spends: GroupedSpend<R, B>[], now: Date): Promise<GroupedOutcome<B>[]> {
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
      rows<BalanceRow & { org_id: string }>(lockBalancesSql(orgIds), tx),
      rows<GroupStateRow>(groupStateSql(orgIds, codes, now), tx),
    ]);
    const isClaimed = new Set(claimed.map((c) => `${c.org_id}\u0000${c.key}`));
    const balances = new Map(locked.map((b) => [b.org_id, b]));
    const group = decodeGroupState(state);
    const accounts = new Map<string, GroupAccount>();
    const open = (orgId: string, bal: BalanceRow): GroupAccount => {
      let a = accounts.get(orgId);
      if (!a) accounts.set(orgId, (a = openGroupAccount(orgId, bal, group, now)));
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
          eventCredits: s.eventCode ? numOrNull(group.events[s.eventCode]) : null,
        });
      } catch (e) {
        if (!(e instanceof AppError) || a.account.entries.length !== mark) throw e;
        dropped.push({ o: s.orgId, k: s.claim.key });
        out.push({ kind: "refused", error: e });
        continue;
      }
      settleGroupStep(a, mark, group.pack);
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
        depleted: depletedCrossing(before, a.account.balance),
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
    const writes = groupWrites(accounts);
    await commitWith(writeSql(writes, now, extra));
    for (const w of writes) for (const e of w.entries) metrics.creditMovements.inc({ kind: e.kind });
    return out;
  });
}

/** Locks the balance rows of the organizations (in id order, so two groups never deadlock), each with its settings. */
export const lockBalancesSql = (orgIds: string[]) =>
  sql`select b.org_id, ${BALANCE_COLUMNS}
      from credit_balances b join organizations o on o.id = b.org_id
      where b.org_id = any(array(select jsonb_array_elements_text(${json(orgIds)}))) order by b.org_id for update of b`;

export type GroupStateRow = { accounts: unknown; events: unknown; pack: unknown };

/**
 * What a group reads of the locked accounts: their buckets with credits left and their holds past
 * their TTL, the credits per unit of the credit events named, and the smallest pack (the default
 * overage price). Sent right behind the locks, so it sees everything committed before they were granted.
 */
export const groupStateSql = (orgIds: string[], codes: string[], now: Date) =>
  sql`select (select json_agg(json_build_object('org_id', o.id,
                'buckets', (select json_agg(g order by g.id) from (select ${BUCKET_COLUMNS} from credit_grants where org_id = o.id and remaining > 0) g),
                'holds', (select json_agg(r order by r.id) from (select ${HOLD_COLUMNS} from credit_reservations where ${holdFilter(sql`o.id`, now, null)}) r)))
              from jsonb_array_elements_text(${json(orgIds)}) as o(id)) as accounts,
             (select json_object_agg(code, credits) from credit_events where active and code in (select jsonb_array_elements_text(${json(codes)}))) as events,
             (select row_to_json(p) from (${SMALLEST_PACK}) p) as pack`;

export type GroupState = {
  stored: Map<string, { org_id: string; buckets: unknown; holds: unknown }>;
  events: Record<string, unknown>;
  pack: PackRow | null;
};

const parsed = <T>(v: unknown, empty: T): T => (typeof v === "string" ? JSON.parse(v) : (v ?? empty)) as T;

export function decodeGroupState(state: GroupStateRow | undefined): GroupState {
  return {
    stored: new Map(
      jsonRows<{ org_id: string; buckets: unknown; holds: unknown }>(state?.accounts).map((a) => [a.org_id, a]),
    ),
    events: parsed<Record<string, unknown>>(state?.events, {}),
    pack: parsed<PackRow | null>(state?.pack, null),
  };
}

/** A locked account opened in memory, what time did settled; `written` mirrors account.entries, in order. */
export function openGroupAccount(orgId: string, bal: BalanceRow, group: GroupState, now: Date): GroupAccount {
  const s = group.stored.get(orgId);
  const { account, settings } = openAccount(
    bal,
    jsonRows<BucketRow>(s?.buckets).map(bucketState),
    dueHoldsOf(jsonRows<HoldRow>(s?.holds).map(reservationFromRow), now),
    now,
  );
  const opIds = new Map<OpMeta, string>();
  return {
    account,
    settings,
    written: materialize(account.entries, opIds),
    opIds,
    balance: num(bal.balance),
    price: null,
  };
}

/** After a step on the account: time's settlement, the credit identity checked (a throw ends the group), the new rows materialized. */
export function settleGroupStep(a: GroupAccount, mark: number, pack: PackRow | null): void {
  a.account.settle();
  if (a.account.identityBalance() !== a.account.balance)
    throw new Error(
      `credit identity broken for an account of the group: balance ${a.account.balance}, buckets − held − overage ${a.account.identityBalance()}`,
    );
  a.written.push(...materialize(a.account.entries.slice(mark), a.opIds));
  if (a.written.some((e) => e.kind === "overage")) a.price = overagePriceFrom(a.settings, pack);
}

/** The group's share of the write statement: every account that changed (an organization whose spends were all refused still gets what time did). */
export function groupWrites(accounts: Map<string, GroupAccount>, all = false): OrgWrite[] {
  const writes: OrgWrite[] = [];
  for (const [orgId, a] of accounts) {
    if (all || a.written.length || a.account.changedBuckets.size || a.account.holdChanges.length)
      writes.push({ orgId, account: a.account, entries: a.written, price: a.price });
  }
  return writes;
}
