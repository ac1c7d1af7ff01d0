// The ledger's invariants as queries, for tests, benchmarks and operators. Each returns the rows
// that break it; an empty list everywhere means the books balance.
//   1. balance = Σ ledger amounts, and = the balance_after of the newest row
//   2. balance = Σ bucket remaining − held − overage; held and free credits never negative
//   3. held = Σ credits of active reservations
//   4. each bucket: remaining = Σ its bucket_delta, 0 ≤ remaining ≤ amount
//   5. each row: balance_after = previous row's balance_after + amount
//   6. no idempotency key applied twice (one operation per key and kind)
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db, rows, type Executor } from "@/lib/db/client";

export type Violation = { invariant: string; orgId: string; detail: string };

export async function checkCreditInvariants(opts: { orgIds?: string[] } = {}, tx: Executor = db): Promise<Violation[]> {
  const scope = (col: SQL) =>
    opts.orgIds?.length
      ? sql` and ${col} in (${sql.join(
          opts.orgIds.map((o) => sql`${o}`),
          sql`, `,
        )})`
      : sql``;
  const out: Violation[] = [];
  const add = (invariant: string, list: { org_id: string; detail: string }[]) => {
    for (const r of list) out.push({ invariant, orgId: r.org_id, detail: r.detail });
  };

  add(
    "balance = Σ ledger amounts = newest balance_after",
    await rows(
      sql`select b.org_id, format('balance %s, Σ amounts %s, newest balance_after %s', b.balance, coalesce(l.total, 0), coalesce(n.balance_after, 0)) as detail
          from credit_balances b
          left join (select org_id, sum(amount) as total from credit_ledger group by org_id) l on l.org_id = b.org_id
          left join credit_ledger n on n.org_id = b.org_id and n.seq = b.last_seq
          where (b.balance <> coalesce(l.total, 0) or b.balance <> coalesce(n.balance_after, 0))${scope(sql`b.org_id`)}`,
      tx,
    ),
  );
  add(
    "balance = Σ bucket remaining − held − overage; held, overage, free ≥ 0",
    await rows(
      sql`select b.org_id, format('balance %s, Σ remaining %s, held %s, overage %s', b.balance, coalesce(g.total, 0), b.held, b.overage) as detail
          from credit_balances b
          left join (select org_id, sum(remaining) as total from credit_grants group by org_id) g on g.org_id = b.org_id
          where (b.balance <> coalesce(g.total, 0) - b.held - b.overage or b.held < 0 or b.overage < 0 or coalesce(g.total, 0) - b.held < 0)${scope(sql`b.org_id`)}`,
      tx,
    ),
  );
  add(
    "held = Σ active reservations",
    await rows(
      sql`select b.org_id, format('held %s, Σ active reservations %s', b.held, coalesce(r.total, 0)) as detail
          from credit_balances b
          left join (select org_id, sum(credits) as total from credit_reservations where status = 'active' group by org_id) r on r.org_id = b.org_id
          where b.held <> coalesce(r.total, 0)${scope(sql`b.org_id`)}`,
      tx,
    ),
  );
  add(
    "bucket remaining = Σ its ledger deltas, within 0…amount",
    await rows(
      sql`select g.org_id, format('bucket %s: remaining %s of %s, Σ deltas %s', g.id, g.remaining, g.amount, coalesce(l.total, 0)) as detail
          from credit_grants g
          left join (select org_id, bucket_id, sum(bucket_delta) as total from credit_ledger where bucket_id is not null group by org_id, bucket_id) l
            on l.org_id = g.org_id and l.bucket_id = g.id
          where (g.remaining <> coalesce(l.total, 0) or g.remaining < 0 or g.remaining > g.amount)${scope(sql`g.org_id`)}`,
      tx,
    ),
  );
  add(
    "balance_after chains",
    await rows(
      sql`select org_id, format('row %s: balance_after %s, previous %s + amount %s', id, balance_after, prev, amount) as detail from (
            select org_id, id, amount, balance_after, lag(balance_after, 1, 0::bigint) over (partition by org_id order by seq) as prev from credit_ledger
            where true${scope(sql`org_id`)}
          ) c where prev + amount <> balance_after`,
      tx,
    ),
  );
  add(
    "no idempotency key applied twice",
    await rows(
      sql`select org_id, format('key %s (%s) applied by %s operations', idempotency_key, kind, count(distinct operation_id)) as detail
          from credit_ledger where idempotency_key is not null and kind in ('consume', 'reserve', 'grant', 'adjustment', 'refund')${scope(sql`org_id`)}
          group by org_id, idempotency_key, kind having count(distinct operation_id) > 1`,
      tx,
    ),
  );
  return out;
}
