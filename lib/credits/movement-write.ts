// Write: the one statement that writes what movements did — to any number of organizations, each
// already locked — and the SQL pieces it is built of.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { CreditAccount } from "./account";
import type { WrittenEntry } from "./movement-decide";
import { ts } from "./movement-load";

/** A value as a jsonb parameter: sent as text, so the driver does not serialize it again. */
export const json = (v: unknown) => sql`${JSON.stringify(v)}::text::jsonb`;

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
