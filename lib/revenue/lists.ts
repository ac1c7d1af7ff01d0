// The admin's lists: customers (plan, status, MRR, credit balance, usage this month), subscriptions
// filtered by status, and recent charges with their refunds. Cursor-paginated (keyset.ts) and
// sortable; every row names the customer so the page can link to its detail page.
import "server-only";
import { and, inArray, sql, type SQL } from "drizzle-orm";
import { db, rows, type Executor } from "@/lib/db/client";
import {
  LIVE_STATUSES,
  plans,
  type PaymentStatus,
  type Plan,
  type PlanInterval,
  type SubscriptionStatus,
} from "@/lib/db/schema";
import { D, roundToMinor } from "@/lib/money";
import { startOfUtcMonth } from "@/lib/time";
import { encodeCursor, keyset, likePattern, type SortKey, type SortOrder } from "./keyset";
import { twelfthsToMinor } from "./mrr";
import { mrrHundredTwelfthsSql } from "./mrr-sql";
import type { ChargeListQuery, CustomerListQuery, SubscriptionListQuery } from "./schemas";
import { ratedUsage } from "./usage-cost";

const live = sql.raw(LIVE_STATUSES.map((s) => `'${s}'`).join(", "));
const mrrOf = (s: string, p: string) =>
  mrrHundredTwelfthsSql({
    status: sql.raw(`${s}.status`),
    interval: sql.raw(`${s}.interval`),
    basePriceCents: sql.raw(`${p}.base_price_cents`),
    discountPercent: sql.raw(`${s}.discount_percent`),
    livemode: sql.raw(`${s}.livemode`),
  });
const toMinor = (mrr100: string | null) => twelfthsToMinor(new D(mrr100 ?? "0").div(100));
const date = (v: string | Date | null) => (v === null ? null : new Date(v));

export type Page<T> = { rows: T[]; nextCursor: string | null };

function page<T extends { id: string }>(
  list: T[],
  limit: number,
  sortValue: (row: T) => string | number | Date | null,
): Page<T> {
  const rowsOut = list.slice(0, limit);
  const last = rowsOut[rowsOut.length - 1];
  return { rows: rowsOut, nextCursor: list.length > limit && last ? encodeCursor(sortValue(last), last.id) : null };
}

// ————— customers —————

export type CustomerListRow = {
  id: string;
  name: string;
  email: string | null;
  externalId: string | null;
  createdAt: Date;
  subscriptionId: string | null;
  status: SubscriptionStatus | null;
  plan: { name: string; tier: string; interval: PlanInterval; basePriceCents: number; currency: string } | null;
  discountPercent: string | null;
  mrrCents: number;
  creditBalance: number;
  /** Usage charges this month (UTC) so far, rated with the current plan: minor units of the plan's currency. */
  usageChargesCents: number;
};

type CustomerSql = {
  id: string;
  name: string;
  email: string | null;
  external_id: string | null;
  created_at: string | Date;
  subscription_id: string | null;
  status: SubscriptionStatus | null;
  interval: PlanInterval | null;
  discount_percent: string | null;
  plan_name: string | null;
  tier: string | null;
  base_price_cents: string | null;
  currency: string | null;
  mrr100: string;
  credit_balance: string;
  plan_id: string | null;
  sort_value: string | null;
};

export async function listCustomers(
  q: Partial<CustomerListQuery> & { limit: number },
  now = new Date(),
  x: Executor = db,
): Promise<Page<CustomerListRow>> {
  const mrr = mrrOf("s", "p");
  const keys: Record<CustomerListQuery["sort"], SortKey> = {
    name: { expr: sql`lower(o.name)`, type: "text" },
    created: { expr: sql`o.created_at`, type: "timestamptz" },
    mrr: { expr: sql`coalesce(${mrr}, 0)`, type: "numeric" },
    credit_balance: { expr: sql`coalesce(b.balance, 0)`, type: "bigint" },
  };
  const sort = q.sort ?? "created";
  const order: SortOrder = q.order ?? (sort === "name" ? "asc" : "desc");
  const k = keyset(keys[sort], sql`o.id`, order, q.cursor);
  const conditions: (SQL | undefined)[] = [k.where];
  if (q.search) {
    const p = likePattern(q.search);
    conditions.push(sql`(o.name ilike ${p} or o.email ilike ${p} or o.external_id ilike ${p})`);
  }
  if (q.status === "none") conditions.push(sql`s.id is null`);
  else if (q.status) conditions.push(sql`s.status = ${q.status}`);
  if (q.tier) conditions.push(sql`p.tier = ${q.tier}`);
  const where = and(...conditions.filter((c): c is SQL => c !== undefined));
  const list = await rows<CustomerSql>(
    sql`select o.id, o.name, o.email, o.external_id, o.created_at,
          s.id as subscription_id, s.status, s.interval, s.discount_percent::text as discount_percent,
          p.name as plan_name, p.tier, p.base_price_cents::text as base_price_cents, p.currency,
          coalesce(${mrr}, 0)::text as mrr100, coalesce(b.balance, 0)::text as credit_balance,
          p.id as plan_id, (${keys[sort].expr})::text as sort_value
        from organizations o
        -- The current subscription, else the most recent one (so a churned customer shows "canceled").
        left join lateral (
          select * from subscriptions s0 where s0.org_id = o.id
          order by (s0.status in (${live})) desc, s0.created_at desc limit 1
        ) s on true
        left join plans p on p.id = s.plan_id
        left join credit_balances b on b.org_id = o.id
        ${where ? sql`where ${where}` : sql``}
        order by ${k.orderBy}
        limit ${q.limit + 1}`,
    x,
  );
  const sortValues = new Map(list.map((r) => [r.id, r.sort_value]));
  const usage = await usageThisMonth(list.slice(0, q.limit), now, x);
  return page(
    list.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      externalId: r.external_id,
      createdAt: new Date(r.created_at),
      subscriptionId: r.subscription_id,
      status: r.status,
      plan: r.plan_name
        ? {
            name: r.plan_name,
            tier: r.tier!,
            interval: r.interval!,
            basePriceCents: Number(r.base_price_cents),
            currency: r.currency!,
          }
        : null,
      discountPercent: r.discount_percent,
      mrrCents: toMinor(r.mrr100),
      creditBalance: Number(r.credit_balance),
      usageChargesCents: usage.get(r.id) ?? 0,
    })),
    q.limit,
    (row) => sortValues.get(row.id) ?? null,
  );
}

/** Usage charges of this UTC month so far for the listed customers, each rated with its current plan. */
async function usageThisMonth(
  list: { id: string; plan_id: string | null; status: SubscriptionStatus | null }[],
  now: Date,
  x: Executor,
): Promise<Map<string, number>> {
  const planIds = [
    ...new Set(
      list
        .filter((r) => r.plan_id && r.status && (LIVE_STATUSES as readonly string[]).includes(r.status))
        .map((r) => r.plan_id!),
    ),
  ];
  if (planIds.length === 0) return new Map();
  const found = await x.select().from(plans).where(inArray(plans.id, planIds));
  const byId = new Map(found.map((p) => [p.id, p]));
  const planOf = new Map<string, Plan>();
  for (const r of list)
    if (r.plan_id && byId.has(r.plan_id) && r.status && (LIVE_STATUSES as readonly string[]).includes(r.status))
      planOf.set(r.id, byId.get(r.plan_id)!);
  const start = startOfUtcMonth(now);
  const amounts = await ratedUsage(
    { start, end: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)) },
    planOf,
    null,
    x,
  );
  return new Map([...amounts].map(([orgId, amount]) => [orgId, roundToMinor(amount, planOf.get(orgId)!.currency)]));
}

export function customerRowJson(r: CustomerListRow) {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    external_id: r.externalId,
    created_at: r.createdAt.toISOString(),
    subscription_id: r.subscriptionId,
    status: r.status,
    plan: r.plan
      ? {
          name: r.plan.name,
          tier: r.plan.tier,
          interval: r.plan.interval,
          base_price_cents: r.plan.basePriceCents,
          currency: r.plan.currency,
        }
      : null,
    discount_percent: r.discountPercent,
    mrr_cents: r.mrrCents,
    credit_balance: r.creditBalance,
    usage_charges_this_month_cents: r.usageChargesCents,
  };
}

// ————— subscriptions —————

export type SubscriptionListRow = {
  id: string;
  orgId: string;
  customerName: string;
  customerExternalId: string | null;
  status: SubscriptionStatus;
  planId: string;
  planName: string;
  tier: string;
  interval: PlanInterval;
  basePriceCents: number;
  currency: string;
  discountPercent: string;
  mrrCents: number;
  provider: string;
  /** False for a test (sandbox) subscription: its MRR is zero. */
  livemode: boolean;
  createdAt: Date;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
  endedAt: Date | null;
  externalId: string | null;
};

type SubscriptionSql = {
  id: string;
  org_id: string;
  customer_name: string;
  customer_external_id: string | null;
  status: SubscriptionStatus;
  plan_id: string;
  plan_name: string;
  tier: string;
  interval: PlanInterval;
  base_price_cents: string;
  currency: string;
  discount_percent: string;
  mrr100: string;
  provider: string;
  livemode: boolean;
  created_at: string | Date;
  current_period_start: string | Date;
  current_period_end: string | Date;
  trial_end: string | Date | null;
  cancel_at_period_end: boolean;
  past_due_since: string | Date | null;
  ended_at: string | Date | null;
  external_id: string | null;
  sort_value: string | null;
};

export async function listSubscriptionsForAdmin(
  q: Partial<SubscriptionListQuery> & { limit: number },
  x: Executor = db,
): Promise<Page<SubscriptionListRow>> {
  const mrr = mrrOf("s", "p");
  const keys: Record<SubscriptionListQuery["sort"], SortKey> = {
    created: { expr: sql`s.created_at`, type: "timestamptz" },
    mrr: { expr: mrr, type: "numeric" },
    period_end: { expr: sql`s.current_period_end`, type: "timestamptz" },
    customer: { expr: sql`lower(o.name)`, type: "text" },
  };
  const sort = q.sort ?? "created";
  const order: SortOrder = q.order ?? (sort === "customer" || sort === "period_end" ? "asc" : "desc");
  const k = keyset(keys[sort], sql`s.id`, order, q.cursor);
  const conditions: (SQL | undefined)[] = [k.where];
  if (q.status === "live") conditions.push(sql`s.status in (${live})`);
  else if (q.status) conditions.push(sql`s.status = ${q.status}`);
  if (q.tier) conditions.push(sql`p.tier = ${q.tier}`);
  if (q.search) {
    const p = likePattern(q.search);
    conditions.push(sql`(o.name ilike ${p} or o.external_id ilike ${p} or s.external_id ilike ${p})`);
  }
  const where = and(...conditions.filter((c): c is SQL => c !== undefined));
  const list = await rows<SubscriptionSql>(
    sql`select s.id, s.org_id, o.name as customer_name, o.external_id as customer_external_id, s.status, s.plan_id, p.name as plan_name, p.tier,
          s.interval, p.base_price_cents::text as base_price_cents, p.currency, s.discount_percent::text as discount_percent, ${mrr}::text as mrr100,
          s.provider, s.livemode, s.created_at, s.current_period_start, s.current_period_end, s.trial_end, s.cancel_at_period_end, s.past_due_since, s.ended_at, s.external_id,
          (${keys[sort].expr})::text as sort_value
        from subscriptions s
        join organizations o on o.id = s.org_id
        join plans p on p.id = s.plan_id
        ${where ? sql`where ${where}` : sql``}
        order by ${k.orderBy}
        limit ${q.limit + 1}`,
    x,
  );
  const sortValues = new Map(list.map((r) => [r.id, r.sort_value]));
  return page(
    list.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      customerName: r.customer_name,
      customerExternalId: r.customer_external_id,
      status: r.status,
      planId: r.plan_id,
      planName: r.plan_name,
      tier: r.tier,
      interval: r.interval,
      basePriceCents: Number(r.base_price_cents),
      currency: r.currency,
      discountPercent: r.discount_percent,
      mrrCents: toMinor(r.mrr100),
      provider: r.provider,
      livemode: r.livemode,
      createdAt: new Date(r.created_at),
      currentPeriodStart: new Date(r.current_period_start),
      currentPeriodEnd: new Date(r.current_period_end),
      trialEnd: date(r.trial_end),
      cancelAtPeriodEnd: r.cancel_at_period_end,
      pastDueSince: date(r.past_due_since),
      endedAt: date(r.ended_at),
      externalId: r.external_id,
    })),
    q.limit,
    (row) => sortValues.get(row.id) ?? null,
  );
}

export function subscriptionRowJson(r: SubscriptionListRow) {
  return {
    id: r.id,
    customer_id: r.orgId,
    customer_name: r.customerName,
    customer_external_id: r.customerExternalId,
    external_id: r.externalId,
    status: r.status,
    plan: {
      id: r.planId,
      name: r.planName,
      tier: r.tier,
      interval: r.interval,
      base_price_cents: r.basePriceCents,
      currency: r.currency,
    },
    discount_percent: r.discountPercent,
    mrr_cents: r.mrrCents,
    provider: r.provider,
    livemode: r.livemode,
    created_at: r.createdAt.toISOString(),
    current_period_start: r.currentPeriodStart.toISOString(),
    current_period_end: r.currentPeriodEnd.toISOString(),
    trial_end: r.trialEnd?.toISOString() ?? null,
    cancel_at_period_end: r.cancelAtPeriodEnd,
    past_due_since: r.pastDueSince?.toISOString() ?? null,
    ended_at: r.endedAt?.toISOString() ?? null,
  };
}

// ————— charges —————

export type ChargeRow = {
  id: string;
  orgId: string;
  customerName: string;
  provider: string;
  providerPaymentId: string;
  /** False for a test (sandbox) payment: shown, but its net is zero (never revenue). */
  livemode: boolean;
  kind: string;
  status: PaymentStatus;
  amountCents: number;
  amountRefundedCents: number;
  netCents: number;
  currency: string;
  description: string;
  invoiceId: string | null;
  invoiceNumber: string | null;
  paymentMethodLabel: string | null;
  failureMessage: string | null;
  createdAt: Date;
};

type ChargeSql = {
  id: string;
  org_id: string;
  customer_name: string;
  provider: string;
  provider_payment_id: string;
  livemode: boolean;
  kind: string;
  status: PaymentStatus;
  amount_cents: string;
  amount_refunded_cents: string;
  currency: string;
  description: string;
  invoice_id: string | null;
  invoice_number: string | null;
  payment_method_label: string | null;
  failure_message: string | null;
  created_at: string | Date;
  sort_value: string | null;
};

export async function listCharges(
  q: Partial<ChargeListQuery> & { limit: number; orgId?: string },
  x: Executor = db,
): Promise<Page<ChargeRow>> {
  const keys: Record<ChargeListQuery["sort"], SortKey> = {
    created: { expr: sql`pay.created_at`, type: "timestamptz" },
    amount: { expr: sql`pay.amount_cents`, type: "bigint" },
  };
  const sort = q.sort ?? "created";
  const order: SortOrder = q.order ?? "desc";
  const k = keyset(keys[sort], sql`pay.id`, order, q.cursor);
  const conditions: (SQL | undefined)[] = [k.where];
  if (q.orgId) conditions.push(sql`pay.org_id = ${q.orgId}`);
  if (q.status) conditions.push(sql`pay.status = ${q.status}`);
  if (q.kind) conditions.push(sql`pay.kind = ${q.kind}`);
  if (q.refunded === true) conditions.push(sql`pay.amount_refunded_cents > 0`);
  if (q.refunded === false) conditions.push(sql`pay.amount_refunded_cents = 0`);
  if (q.search) {
    const p = likePattern(q.search);
    conditions.push(sql`(o.name ilike ${p} or o.external_id ilike ${p})`);
  }
  const where = and(...conditions.filter((c): c is SQL => c !== undefined));
  const list = await rows<ChargeSql>(
    sql`select pay.id, pay.org_id, o.name as customer_name, pay.provider, pay.provider_payment_id, pay.livemode, pay.kind, pay.status, pay.amount_cents::text as amount_cents,
          pay.amount_refunded_cents::text as amount_refunded_cents, pay.currency, pay.description, pay.invoice_id, i.number as invoice_number,
          pay.payment_method_label, pay.failure_message, pay.created_at, (${keys[sort].expr})::text as sort_value
        from payments pay
        join organizations o on o.id = pay.org_id
        left join invoices i on i.id = pay.invoice_id
        ${where ? sql`where ${where}` : sql``}
        order by ${k.orderBy}
        limit ${q.limit + 1}`,
    x,
  );
  const sortValues = new Map(list.map((r) => [r.id, r.sort_value]));
  return page(
    list.map((r) => {
      const amount = Number(r.amount_cents);
      const refunded = Number(r.amount_refunded_cents);
      return {
        id: r.id,
        orgId: r.org_id,
        customerName: r.customer_name,
        provider: r.provider,
        providerPaymentId: r.provider_payment_id,
        livemode: r.livemode,
        kind: r.kind,
        status: r.status,
        amountCents: amount,
        amountRefundedCents: refunded,
        netCents: !r.livemode || r.status === "failed" || r.status === "pending" ? 0 : amount - refunded,
        currency: r.currency,
        description: r.description,
        invoiceId: r.invoice_id,
        invoiceNumber: r.invoice_number,
        paymentMethodLabel: r.payment_method_label,
        failureMessage: r.failure_message,
        createdAt: new Date(r.created_at),
      };
    }),
    q.limit,
    (row) => sortValues.get(row.id) ?? null,
  );
}

export function chargeRowJson(r: ChargeRow) {
  return {
    id: r.id,
    customer_id: r.orgId,
    customer_name: r.customerName,
    provider: r.provider,
    provider_payment_id: r.providerPaymentId,
    livemode: r.livemode,
    kind: r.kind,
    status: r.status,
    amount_cents: r.amountCents,
    amount_refunded_cents: r.amountRefundedCents,
    net_cents: r.netCents,
    currency: r.currency,
    description: r.description,
    invoice_id: r.invoiceId,
    invoice_number: r.invoiceNumber,
    payment_method: r.paymentMethodLabel,
    failure_message: r.failureMessage,
    created_at: r.createdAt.toISOString(),
  };
}
