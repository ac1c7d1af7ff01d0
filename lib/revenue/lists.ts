// The admin's lists: customers (plan, status, MRR, credit balance, usage this month), subscriptions
// filtered by status, and recent charges with their refunds. Cursor-paginated (keyset.ts) and
// sortable; every row names the customer so the page can link to its detail page. Each list is one
// drizzle select: its row type is the select's, and schemas.ts holds the JSON each row answers as.
import "server-only";
import { and, desc, eq, gt, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "@/lib/db/client";
import { readDb } from "@/lib/db/read-replica";
import {
  creditBalances,
  invoices,
  LIVE_STATUSES,
  organizations,
  payments,
  plans,
  subscriptions,
  type Plan,
  type SubscriptionStatus,
} from "@/lib/db/schema";
import { D, roundToMinor } from "@/lib/money";
import { startOfUtcMonth } from "@/lib/time";
import { encodeCursor, keyset, likePattern, type SortKey, type SortOrder } from "./keyset";
import { twelfthsToMinor } from "./mrr";
import { mrrHundredTwelfthsSql } from "./mrr-sql";
import type {
  ChargeJson,
  ChargeListQuery,
  CustomerListQuery,
  CustomerRowJson,
  SubscriptionListQuery,
  SubscriptionRowJson,
} from "./schemas";
import { ratedUsage } from "./usage-cost";

const live = sql.raw(LIVE_STATUSES.map((s) => `'${s}'`).join(", "));
const toMinor = (mrr100: string | null) => twelfthsToMinor(new D(mrr100 ?? "0").div(100));
/** The row's sort value as text, for its cursor. */
const sortText = (key: SortKey) => sql<string | null>`(${key.expr})::text`;

const o = alias(organizations, "o");
const s = alias(subscriptions, "s");
const p = alias(plans, "p");
const b = alias(creditBalances, "b");
const pay = alias(payments, "pay");
const i = alias(invoices, "i");

type SubscriptionColumns = Pick<
  typeof s,
  "status" | "interval" | "discountPercent" | "discountAmountCents" | "addonCents" | "livemode"
>;
/** 100 × MRR in twelfths of a minor unit of a subscription on plan `p` (mrr-sql.ts). */
const mrrOf = (sub: SubscriptionColumns) =>
  mrrHundredTwelfthsSql({
    status: sub.status,
    interval: sub.interval,
    basePriceCents: p.basePriceCents,
    discountPercent: sub.discountPercent,
    discountAmountCents: sub.discountAmountCents,
    addonCents: sub.addonCents,
    livemode: sub.livemode,
  });

export type Page<T> = { rows: T[]; nextCursor: string | null };
/** A listed row as the page gives it: without the sort value its cursor was made from. */
type Unsorted<T> = Omit<T, "sortValue">;

/** The first `limit` rows without their sort values, and the cursor after the last when there are more. */
function page<T extends { id: string; sortValue: string | null }>(list: T[], limit: number): Page<Unsorted<T>> {
  const rowsOut = list.slice(0, limit);
  const last = rowsOut[rowsOut.length - 1];
  return {
    rows: rowsOut.map(({ sortValue: _s, ...row }) => row),
    nextCursor: list.length > limit && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}

const conditions = (list: (SQL | undefined)[]) => and(...list);

// ————— customers —————

export type CustomerListRow = Unsorted<Awaited<ReturnType<typeof customerRows>>[number]> & {
  /** Usage charges this month (UTC) so far, rated with the current plan: minor units of the plan's currency. */
  usageChargesCents: number;
};

async function customerRows(q: Partial<CustomerListQuery> & { limit: number }, tx: Executor) {
  // The current subscription, else the most recent one (so a churned customer shows "canceled").
  const current = tx
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.orgId, o.id))
    .orderBy(sql`(${subscriptions.status} in (${live})) desc`, desc(subscriptions.createdAt))
    .limit(1)
    .as("s");
  const mrr = mrrOf(current);
  // "Customer since", as lib/orgs/customer-since.ts defines it: the row's creation or its first subscription.
  const since = sql`least(${o.createdAt}, (select min(${subscriptions.createdAt}) from ${subscriptions} where ${subscriptions.orgId} = ${o.id}))`;
  const keys: Record<CustomerListQuery["sort"], SortKey> = {
    name: { expr: sql`lower(${o.name})`, type: "text" },
    created: { expr: sql`${o.createdAt}`, type: "timestamptz" },
    customer_since: { expr: since, type: "timestamptz" },
    mrr: { expr: sql`coalesce(${mrr}, 0)`, type: "numeric" },
    credit_balance: { expr: sql`coalesce(${b.balance}, 0)`, type: "bigint" },
  };
  const sort = q.sort ?? "created";
  const order: SortOrder = q.order ?? (sort === "name" ? "asc" : "desc");
  const k = keyset(keys[sort], sql`${o.id}`, order, q.cursor);
  const search = q.search ? likePattern(q.search) : undefined;
  const list = await tx
    .select({
      id: o.id,
      name: o.name,
      email: o.email,
      externalId: o.externalId,
      createdAt: o.createdAt,
      customerSince: sql<Date>`${since}`.mapWith((v: string | Date) => new Date(v)),
      subscriptionId: current.id,
      status: current.status,
      interval: current.interval,
      discountPercent: current.discountPercent,
      planId: p.id,
      planName: p.name,
      tier: p.tier,
      basePriceCents: p.basePriceCents,
      currency: p.currency,
      mrr100: sql<string>`coalesce(${mrr}, 0)::text`,
      creditBalance: sql<number>`coalesce(${b.balance}, 0)`.mapWith(Number),
      sortValue: sortText(keys[sort]),
    })
    .from(o)
    .leftJoinLateral(current, sql`true`)
    .leftJoin(p, eq(p.id, current.planId))
    .leftJoin(b, eq(b.orgId, o.id))
    .where(
      conditions([
        k.where,
        search ? or(ilike(o.name, search), ilike(o.email, search), ilike(o.externalId, search)) : undefined,
        q.status === "none" ? isNull(current.id) : q.status ? eq(current.status, q.status) : undefined,
        q.tier ? eq(p.tier, q.tier) : undefined,
      ]),
    )
    .orderBy(k.orderBy)
    .limit(q.limit + 1);
  return list.map(({ planName, tier, interval, basePriceCents, currency, mrr100, ...r }) => ({
    ...r,
    plan:
      planName !== null && tier !== null && interval !== null && basePriceCents !== null && currency !== null
        ? { name: planName, tier, interval, basePriceCents, currency }
        : null,
    mrrCents: toMinor(mrr100),
  }));
}

export async function listCustomers(
  q: Partial<CustomerListQuery> & { limit: number },
  now = new Date(),
  tx: Executor = readDb(),
): Promise<Page<CustomerListRow>> {
  const { rows, nextCursor } = page(await customerRows(q, tx), q.limit);
  const usage = await usageThisMonth(rows, now, tx);
  return { rows: rows.map((r) => ({ ...r, usageChargesCents: usage.get(r.id) ?? 0 })), nextCursor };
}

/** Usage charges of this UTC month so far for the listed customers, each rated with its current plan. */
async function usageThisMonth(
  list: { id: string; planId: string | null; status: SubscriptionStatus | null }[],
  now: Date,
  tx: Executor,
): Promise<Map<string, number>> {
  const isLive = (status: SubscriptionStatus | null) =>
    status !== null && (LIVE_STATUSES as readonly string[]).includes(status);
  const planIds = [...new Set(list.flatMap((r) => (r.planId && isLive(r.status) ? [r.planId] : [])))];
  if (planIds.length === 0) return new Map();
  const found = await tx.select().from(plans).where(inArray(plans.id, planIds));
  const byId = new Map(found.map((pl) => [pl.id, pl]));
  const planOf = new Map<string, Plan>();
  for (const r of list) {
    const plan = r.planId && isLive(r.status) ? byId.get(r.planId) : undefined;
    if (plan) planOf.set(r.id, plan);
  }
  const start = startOfUtcMonth(now);
  const amounts = await ratedUsage(
    { start, end: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)) },
    planOf,
    null,
    tx,
  );
  return new Map([...amounts].map(([orgId, amount]) => [orgId, roundToMinor(amount, planOf.get(orgId)!.currency)]));
}

export function customerRowJson(r: CustomerListRow): CustomerRowJson {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    external_id: r.externalId,
    created_at: r.createdAt.toISOString(),
    customer_since: r.customerSince.toISOString(),
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

export type SubscriptionListRow = Unsorted<Awaited<ReturnType<typeof subscriptionRows>>[number]>;

async function subscriptionRows(q: Partial<SubscriptionListQuery> & { limit: number }, tx: Executor) {
  const mrr = mrrOf(s);
  const keys: Record<SubscriptionListQuery["sort"], SortKey> = {
    created: { expr: sql`${s.createdAt}`, type: "timestamptz" },
    mrr: { expr: mrr, type: "numeric" },
    period_end: { expr: sql`${s.currentPeriodEnd}`, type: "timestamptz" },
    customer: { expr: sql`lower(${o.name})`, type: "text" },
  };
  const sort = q.sort ?? "created";
  const order: SortOrder = q.order ?? (sort === "customer" || sort === "period_end" ? "asc" : "desc");
  const k = keyset(keys[sort], sql`${s.id}`, order, q.cursor);
  const search = q.search ? likePattern(q.search) : undefined;
  const list = await tx
    .select({
      id: s.id,
      orgId: s.orgId,
      customerName: o.name,
      customerExternalId: o.externalId,
      status: s.status,
      planId: s.planId,
      planName: p.name,
      tier: p.tier,
      interval: s.interval,
      basePriceCents: p.basePriceCents,
      currency: p.currency,
      discountPercent: s.discountPercent,
      mrr100: sql<string>`${mrr}::text`,
      provider: s.provider,
      /** False for a test (sandbox) subscription: its MRR is zero. */
      livemode: s.livemode,
      createdAt: s.createdAt,
      currentPeriodStart: s.currentPeriodStart,
      currentPeriodEnd: s.currentPeriodEnd,
      trialEnd: s.trialEnd,
      cancelAtPeriodEnd: s.cancelAtPeriodEnd,
      pastDueSince: s.pastDueSince,
      endedAt: s.endedAt,
      externalId: s.externalId,
      sortValue: sortText(keys[sort]),
    })
    .from(s)
    .innerJoin(o, eq(o.id, s.orgId))
    .innerJoin(p, eq(p.id, s.planId))
    .where(
      conditions([
        k.where,
        q.status === "live" ? sql`${s.status} in (${live})` : q.status ? eq(s.status, q.status) : undefined,
        q.tier ? eq(p.tier, q.tier) : undefined,
        search ? or(ilike(o.name, search), ilike(o.externalId, search), ilike(s.externalId, search)) : undefined,
      ]),
    )
    .orderBy(k.orderBy)
    .limit(q.limit + 1);
  return list.map(({ mrr100, ...r }) => ({ ...r, mrrCents: toMinor(mrr100) }));
}

export async function listSubscriptionsForAdmin(
  q: Partial<SubscriptionListQuery> & { limit: number },
  tx: Executor = readDb(),
): Promise<Page<SubscriptionListRow>> {
  return page(await subscriptionRows(q, tx), q.limit);
}

export function subscriptionRowJson(r: SubscriptionListRow): SubscriptionRowJson {
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

export type ChargeRow = Unsorted<Awaited<ReturnType<typeof chargeRows>>[number]>;

async function chargeRows(q: Partial<ChargeListQuery> & { limit: number; orgId?: string }, tx: Executor) {
  const keys: Record<ChargeListQuery["sort"], SortKey> = {
    created: { expr: sql`${pay.createdAt}`, type: "timestamptz" },
    amount: { expr: sql`${pay.amountCents}`, type: "bigint" },
  };
  const sort = q.sort ?? "created";
  const order: SortOrder = q.order ?? "desc";
  const k = keyset(keys[sort], sql`${pay.id}`, order, q.cursor);
  const search = q.search ? likePattern(q.search) : undefined;
  const list = await tx
    .select({
      id: pay.id,
      orgId: pay.orgId,
      customerName: o.name,
      provider: pay.provider,
      providerPaymentId: pay.providerPaymentId,
      livemode: pay.livemode,
      kind: pay.kind,
      status: pay.status,
      amountCents: pay.amountCents,
      amountRefundedCents: pay.amountRefundedCents,
      currency: pay.currency,
      description: pay.description,
      invoiceId: pay.invoiceId,
      invoiceNumber: i.number,
      paymentMethodLabel: pay.paymentMethodLabel,
      failureMessage: pay.failureMessage,
      createdAt: pay.createdAt,
      sortValue: sortText(keys[sort]),
    })
    .from(pay)
    .innerJoin(o, eq(o.id, pay.orgId))
    .leftJoin(i, eq(i.id, pay.invoiceId))
    .where(
      conditions([
        k.where,
        q.orgId ? eq(pay.orgId, q.orgId) : undefined,
        q.status ? eq(pay.status, q.status) : undefined,
        q.kind ? eq(pay.kind, q.kind) : undefined,
        q.refunded === true ? gt(pay.amountRefundedCents, 0) : undefined,
        q.refunded === false ? eq(pay.amountRefundedCents, 0) : undefined,
        search ? or(ilike(o.name, search), ilike(o.externalId, search)) : undefined,
      ]),
    )
    .orderBy(k.orderBy)
    .limit(q.limit + 1);
  return list.map((r) => ({
    ...r,
    /** A test (sandbox) payment is shown, but its net is zero (never revenue); so is a failed or pending one. */
    netCents:
      !r.livemode || r.status === "failed" || r.status === "pending" ? 0 : r.amountCents - r.amountRefundedCents,
  }));
}

export async function listCharges(
  q: Partial<ChargeListQuery> & { limit: number; orgId?: string },
  tx: Executor = readDb(),
): Promise<Page<ChargeRow>> {
  return page(await chargeRows(q, tx), q.limit);
}

export function chargeRowJson(r: ChargeRow): ChargeJson {
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
