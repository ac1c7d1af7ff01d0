// The credits side of revenue: credit packs sold, deferred revenue of prepaid credits not yet
// spent, breakage (credits expired unspent), and credits granted versus consumed per tier — from
// payments, credit grants and the append-only credit ledger. Definitions: docs/metrics.md.
import "server-only";
import Decimal from "decimal.js";
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { decimal, int, label, nullable, selectRows, text, type RowOf } from "@/lib/db/rows";
import type { CreditSource } from "@/lib/db/schema";
import { D, type Dec } from "@/lib/money";
import { COLLECTED_STATUSES, paymentNetOfTax } from "./non-recurring";

const collected = sql.raw(COLLECTED_STATUSES.map((s) => `'${s}'`).join(", "));
const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const round = (d: Dec) => d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();

export type CreditPackSales = { packsSold: number; grossCents: number; refundedCents: number; netCents: number };

export async function creditPackSales(
  currency: string,
  range: { start: Date; end: Date },
  tx: Executor = db,
): Promise<CreditPackSales> {
  const [r] = await selectRows(
    { n: int, gross: int, refunded: int },
    sql`select count(*)::int as n, coalesce(sum(amount_cents - tax_cents), 0)::text as gross, coalesce(sum(amount_cents - tax_cents - ${paymentNetOfTax()}), 0)::text as refunded
        from payments
        where kind = 'credits' and status in (${collected}) and currency = ${currency} and livemode
          and created_at >= ${iso(range.start)} and created_at < ${iso(range.end)}`,
    tx,
  );
  const gross = r?.gross ?? 0;
  const refunded = r?.refunded ?? 0;
  return { packsSold: r?.n ?? 0, grossCents: gross, refundedCents: refunded, netCents: gross - refunded };
}

/**
 * What a purchased grant cost its buyer: the payment that granted it (matched by the payment id
 * the grant is keyed by), net of refunds; else the pack's list price × packs (grants recorded by
 * an admin or the seed). Null when neither is known (a "purchased" grant made by hand).
 */
const grantPrice = (currency: string) => sql`coalesce(
    (select ${paymentNetOfTax("pay.")}::numeric from payments pay
      where pay.org_id = g.org_id and pay.provider_payment_id = g.reference and pay.kind = 'credits' and pay.currency = ${currency} and pay.livemode limit 1),
    (select cp.price_cents::numeric * g.amount / cp.credits from credit_products cp where cp.id = g.credit_product_id and cp.currency = ${currency}))`;

/**
 * The credits a purchased grant stands for once refunds took their share back (purchase-refund.ts
 * writes those as adjustments referenced `refund:<payment id>`), so the net price paid spreads over
 * the credits the buyer kept, not over the pack as sold.
 */
const keptCredits = sql`(g.amount + coalesce((select sum(r.bucket_delta) from credit_ledger r
      where r.org_id = g.org_id and r.bucket_id = g.id and r.kind = 'adjustment' and r.reference = 'refund:' || g.reference), 0))`;

/** A group of purchased credits: the price paid for the grant, the credits it kept, the credits counted. */
const pricedCredits = { paid: nullable(decimal), amount: decimal, credits: decimal };

/** Σ remaining × price paid / credits kept, exact, per distinct (price, amount), rounded once. */
function valueOf(groups: RowOf<typeof pricedCredits>[]): {
  value: number;
  priced: number;
  unpriced: number;
} {
  let value = new D(0);
  let priced = 0;
  let unpriced = 0;
  for (const g of groups) {
    if (g.paid === null) {
      unpriced += Number(g.credits);
      continue;
    }
    priced += Number(g.credits);
    // None kept: a pack refunded in full before any spend. Its money went back, so at an instant
    // before the refund its credits were worth nothing kept.
    if (new D(g.amount).lte(0)) continue;
    value = value.plus(new D(g.credits).mul(g.paid).div(g.amount));
  }
  return { value: round(value), priced, unpriced };
}

export type DeferredRevenue = { asOf: Date; credits: number; valueCents: number; unpricedCredits: number };

/**
 * Prepaid credits not spent at `asOf`, valued at the price they were bought at. Purchased buckets
 * never expire, so what a bucket held at `asOf` is its remaining now minus what the ledger moved
 * since — any past instant is recomputed from the append-only ledger.
 */
export async function deferredRevenue(currency: string, asOf: Date, tx: Executor = db): Promise<DeferredRevenue> {
  const groups = await selectRows(
    pricedCredits,
    sql`with held as (
          select g.id, g.org_id, g.reference, g.credit_product_id, ${keptCredits} as amount,
                 g.remaining - coalesce((select sum(l.bucket_delta) from credit_ledger l where l.org_id = g.org_id and l.bucket_id = g.id and l.created_at >= ${iso(asOf)}), 0) as remaining
          from credit_grants g
          where g.source = 'purchased' and g.livemode and g.created_at < ${iso(asOf)}
        )
        select (${grantPrice(currency)})::text as paid, g.amount::text as amount, sum(g.remaining)::text as credits
        from held g where g.remaining > 0
        group by 1, 2`,
    tx,
  );
  const v = valueOf(groups);
  return { asOf, credits: v.priced + v.unpriced, valueCents: v.value, unpricedCredits: v.unpriced };
}

export type Breakage = { credits: Record<CreditSource, number>; total: number; purchasedValueCents: number };

/** Credits written off by expiry in the range (bucket expiries; a hold's expiry returns credits and is not breakage). */
export async function breakage(
  currency: string,
  range: { start: Date; end: Date },
  tx: Executor = db,
): Promise<Breakage> {
  const bySource = await selectRows(
    { source: nullable(label<CreditSource>()), credits: int },
    sql`select l.source, (-sum(l.bucket_delta))::text as credits from credit_ledger l
        where l.kind = 'expire' and l.bucket_id is not null and l.created_at >= ${iso(range.start)} and l.created_at < ${iso(range.end)}
        group by l.source`,
    tx,
  );
  const purchased = await selectRows(
    pricedCredits,
    sql`select (${grantPrice(currency)})::text as paid, ${keptCredits}::text as amount, (-sum(l.bucket_delta))::text as credits
        from credit_ledger l join credit_grants g on g.id = l.bucket_id and g.org_id = l.org_id
        where l.kind = 'expire' and l.source = 'purchased' and g.livemode and l.created_at >= ${iso(range.start)} and l.created_at < ${iso(range.end)}
        group by 1, 2`,
    tx,
  );
  const credits: Record<CreditSource, number> = { purchased: 0, subscription: 0, promotional: 0 };
  for (const r of bySource) if (r.source) credits[r.source] = r.credits;
  return {
    credits,
    total: credits.purchased + credits.subscription + credits.promotional,
    purchasedValueCents: valueOf(purchased).value,
  };
}

export type TierCredits = {
  tier: string;
  customers: number;
  granted: Record<CreditSource, number>;
  grantedTotal: number;
  consumed: number;
  expired: number;
};

/**
 * Credits granted, consumed (consumptions, commits and overage, net of refunds — as the credits
 * pages count spending) and expired in the range, per tier of the plan each customer is on now
 * ("(none)" without a current subscription).
 */
export async function creditsByTier(range: { start: Date; end: Date }, tx: Executor = db): Promise<TierCredits[]> {
  const list = await selectRows(
    { tier: text, customers: int, sub: int, pur: int, promo: int, consumed: int, expired: int },
    sql`with tiers as (
          select s.org_id, p.tier from subscriptions s join plans p on p.id = s.plan_id
          where s.status in ('incomplete', 'trialing', 'active', 'past_due')
        )
        select coalesce(t.tier, '(none)') as tier, count(distinct l.org_id)::int as customers,
          coalesce(sum(case when l.kind = 'grant' and l.source = 'subscription' then l.amount else 0 end), 0)::text as sub,
          coalesce(sum(case when l.kind = 'grant' and l.source = 'purchased' then l.amount else 0 end), 0)::text as pur,
          coalesce(sum(case when l.kind = 'grant' and l.source = 'promotional' then l.amount else 0 end), 0)::text as promo,
          coalesce(sum(case when l.kind in ('consume', 'commit') then -l.bucket_delta when l.kind in ('overage', 'refund') then -l.amount else 0 end), 0)::text as consumed,
          coalesce(sum(case when l.kind = 'expire' and l.bucket_id is not null then -l.bucket_delta else 0 end), 0)::text as expired
        from credit_ledger l left join tiers t on t.org_id = l.org_id
        where l.created_at >= ${iso(range.start)} and l.created_at < ${iso(range.end)}
        group by 1
        order by 1`,
    tx,
  );
  return list.map((r) => {
    const granted = { subscription: r.sub, purchased: r.pur, promotional: r.promo };
    return {
      tier: r.tier,
      customers: r.customers,
      granted,
      grantedTotal: granted.subscription + granted.purchased + granted.promotional,
      consumed: r.consumed,
      expired: r.expired,
    };
  });
}
