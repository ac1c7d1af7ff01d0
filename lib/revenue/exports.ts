// The admin's CSV exports: customers, subscriptions, invoices and usage, each streamed in keyset
// batches (csv-stream.ts). Amounts are integers in minor units with the currency beside them, as
// in the API; times are ISO-8601 UTC.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { readDb } from "@/lib/db/read-replica";
import { bool, date, decimal, int, nullable, selectRows, text } from "@/lib/db/rows";
import { meterIndex } from "@/lib/metering/meters";
import { csvStream, EXPORT_BATCH, safeText } from "./csv-stream";
import { encodeCursor, keyset } from "./keyset";
import { listCustomers, listSubscriptionsForAdmin } from "./lists";

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function customersCsv(now = new Date()): ReadableStream<Uint8Array> {
  return csvStream(
    [
      "id",
      "name",
      "email",
      "external_id",
      "created_at",
      "status",
      "plan",
      "tier",
      "interval",
      "base_price_cents",
      "discount_percent",
      "mrr_cents",
      "currency",
      "credit_balance",
      "usage_charges_this_month_cents",
    ],
    (cursor) => listCustomers({ limit: EXPORT_BATCH, sort: "created", order: "asc", cursor }, now),
    (c) => [
      c.id,
      safeText(c.name),
      safeText(c.email),
      safeText(c.externalId),
      iso(c.createdAt),
      c.status,
      safeText(c.plan?.name),
      c.plan?.tier ?? null,
      c.plan?.interval ?? null,
      c.plan?.basePriceCents ?? null,
      c.discountPercent,
      c.mrrCents,
      c.plan?.currency ?? null,
      c.creditBalance,
      c.usageChargesCents,
    ],
  );
}

export function subscriptionsCsv(): ReadableStream<Uint8Array> {
  return csvStream(
    [
      "id",
      "customer_id",
      "customer_name",
      "external_id",
      "status",
      "plan_id",
      "plan",
      "tier",
      "interval",
      "base_price_cents",
      "currency",
      "discount_percent",
      "mrr_cents",
      "provider",
      "livemode",
      "created_at",
      "current_period_start",
      "current_period_end",
      "trial_end",
      "cancel_at_period_end",
      "past_due_since",
      "ended_at",
    ],
    (cursor) => listSubscriptionsForAdmin({ limit: EXPORT_BATCH, sort: "created", order: "asc", cursor }),
    (s) => [
      s.id,
      s.orgId,
      safeText(s.customerName),
      safeText(s.externalId),
      s.status,
      s.planId,
      safeText(s.planName),
      s.tier,
      s.interval,
      s.basePriceCents,
      s.currency,
      s.discountPercent,
      s.mrrCents,
      s.provider,
      s.livemode,
      iso(s.createdAt),
      iso(s.currentPeriodStart),
      iso(s.currentPeriodEnd),
      iso(s.trialEnd),
      s.cancelAtPeriodEnd,
      iso(s.pastDueSince),
      iso(s.endedAt),
    ],
  );
}

const invoiceRow = {
  id: text,
  number: text,
  org_id: text,
  customer_name: text,
  provider: text,
  status: text,
  currency: text,
  subtotal_cents: int,
  total_cents: int,
  tax_cents: int,
  amount_paid_cents: int,
  amount_due_cents: int,
  subscription_id: nullable(text),
  period_start: nullable(date),
  period_end: nullable(date),
  issued_at: date,
  paid_at: nullable(date),
  stripe_invoice_id: nullable(text),
  description: nullable(text),
  livemode: bool,
  sort_value: text,
};

async function invoiceBatch(range: { from?: Date; to?: Date }, cursor: string | undefined) {
  const k = keyset({ expr: sql`i.issued_at`, type: "timestamptz" }, sql`i.id`, "asc", cursor);
  const conditions: SQL[] = [];
  if (k.where) conditions.push(k.where);
  if (range.from) conditions.push(sql`i.issued_at >= ${range.from.toISOString()}::timestamptz`);
  if (range.to) conditions.push(sql`i.issued_at < ${range.to.toISOString()}::timestamptz`);
  const list = await selectRows(
    invoiceRow,
    sql`select i.id, i.number, i.org_id, o.name as customer_name, i.provider, i.status, i.currency, i.subtotal_cents::text as subtotal_cents, i.total_cents::text as total_cents, i.tax_cents::text as tax_cents,
          i.amount_paid_cents::text as amount_paid_cents, i.amount_due_cents::text as amount_due_cents, i.subscription_id, i.period_start, i.period_end, i.issued_at, i.paid_at,
          i.stripe_invoice_id, i.description, i.livemode, i.issued_at::text as sort_value
        from invoices i join organizations o on o.id = i.org_id
        ${conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
        order by ${k.orderBy}
        limit ${EXPORT_BATCH + 1}`,
    readDb(),
  );
  const page = list.slice(0, EXPORT_BATCH);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: list.length > EXPORT_BATCH && last ? encodeCursor(last.sort_value, last.id) : null };
}

export function invoicesCsv(range: { from?: Date; to?: Date } = {}): ReadableStream<Uint8Array> {
  return csvStream(
    [
      "id",
      "number",
      "customer_id",
      "customer_name",
      "provider",
      "status",
      "currency",
      // Net, tax and gross for the books (gross = total; net = total − tax, any provider's invoice).
      "net_cents",
      "tax_cents",
      "gross_cents",
      "subtotal_cents",
      "total_cents",
      "amount_paid_cents",
      "amount_due_cents",
      "subscription_id",
      "period_start",
      "period_end",
      "issued_at",
      "paid_at",
      "stripe_invoice_id",
      "description",
      "livemode",
    ],
    (cursor) => invoiceBatch(range, cursor),
    (i) => [
      i.id,
      i.number,
      i.org_id,
      safeText(i.customer_name),
      i.provider,
      i.status,
      i.currency,
      i.total_cents - i.tax_cents,
      i.tax_cents,
      i.total_cents,
      i.subtotal_cents,
      i.total_cents,
      i.amount_paid_cents,
      i.amount_due_cents,
      i.subscription_id,
      iso(i.period_start),
      iso(i.period_end),
      iso(i.issued_at),
      iso(i.paid_at),
      i.stripe_invoice_id,
      safeText(i.description),
      i.livemode,
    ],
  );
}

/** One hour of one meter for one customer and group; the column the meter's aggregation reads is its value. */
const usageRow = {
  org_id: text,
  meter_id: text,
  bucket_start: date,
  group_key: text,
  cnt: nullable(decimal),
  s: nullable(decimal),
  mx: nullable(decimal),
  lt: nullable(decimal),
  uq: nullable(decimal),
  bucket_text: text,
};
type UsageKey = [string, string, string, string];
/** Where a usage export is: rollup rows after a row key, then unique-count days after a day key. */
type UsageCursor =
  { phase: "rollups"; after: UsageKey | null } | { phase: "uniques"; after: [string, string, string] | null };

const inRange = (col: SQL, range: { from?: Date; to?: Date }) => [
  ...(range.from ? [sql`${col} >= ${range.from.toISOString()}::timestamptz`] : []),
  ...(range.to ? [sql`${col} < ${range.to.toISOString()}::timestamptz`] : []),
];
const where = (conditions: SQL[]) => (conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``);

/** Rollup rows per customer, meter, hour and group (shards added up), in primary-key order. */
async function rollupBatch(range: { from?: Date; to?: Date }, after: UsageKey | null) {
  const list = await selectRows(
    usageRow,
    sql`select org_id, meter_id, bucket_start, group_key, sum(event_count)::text as cnt, sum(value_sum)::text as s, max(value_max)::text as mx,
          (array_agg(latest_value order by latest_at desc nulls last))[1]::text as lt, null as uq, bucket_start::text as bucket_text
        from usage_rollups
        ${where([...(after ? [sql`(org_id, meter_id, bucket_start, group_key) > (${after[0]}, ${after[1]}, ${after[2]}::timestamptz, ${after[3]})`] : []), ...inRange(sql`bucket_start`, range)])}
        group by org_id, meter_id, bucket_start, group_key
        order by org_id, meter_id, bucket_start, group_key
        limit ${EXPORT_BATCH + 1}`,
    readDb(),
  );
  const page = list.slice(0, EXPORT_BATCH);
  const last = page[page.length - 1];
  const next: UsageCursor =
    list.length > EXPORT_BATCH && last
      ? { phase: "rollups", after: [last.org_id, last.meter_id, last.bucket_text, last.group_key] }
      : { phase: "uniques", after: null };
  return { page, next };
}

/** Customer-meter-days of distinct values per batch (a month of one meter): 24 × groups rows a day at most. */
const UNIQUE_DAYS_PER_BATCH = 31;

/**
 * Unique-count meters keep no rollups: their distinct values are stored per day with a mask of the
 * hours each value was seen in, so an hour's count is the day's values with that hour's bit. A
 * batch takes the next whole days (in primary-key order, so the scan stops after them) and counts
 * their hours.
 */
async function uniqueBatch(range: { from?: Date; to?: Date }, after: [string, string, string] | null) {
  const dayRange = [
    ...(range.from ? [sql`day >= (${range.from.toISOString()}::timestamptz at time zone 'UTC')::date`] : []),
    ...(range.to
      ? [sql`day <= ((${range.to.toISOString()}::timestamptz - interval '1 microsecond') at time zone 'UTC')::date`]
      : []),
  ];
  const days = await selectRows(
    { org_id: text, meter_id: text, day: text },
    sql`select distinct org_id, meter_id, day::text as day from usage_unique_values
        ${where([...(after ? [sql`(org_id, meter_id, day) > (${after[0]}, ${after[1]}, ${after[2]}::date)`] : []), ...dayRange])}
        order by org_id, meter_id, day
        limit ${UNIQUE_DAYS_PER_BATCH + 1}`,
    readDb(),
  );
  const taken = days.slice(0, UNIQUE_DAYS_PER_BATCH);
  if (taken.length === 0) return { page: [], next: null };
  const hour = sql`(v.day::timestamp + make_interval(hours => h)) at time zone 'UTC'`;
  const page = await selectRows(
    usageRow,
    sql`select v.org_id, v.meter_id, ${hour} as bucket_start, v.group_key, null as cnt, null as s, null as mx, null as lt, count(*)::text as uq, (${hour})::text as bucket_text
        from usage_unique_values v
        join jsonb_to_recordset(${JSON.stringify(taken)}::jsonb) as d(org_id text, meter_id text, day date) on d.org_id = v.org_id and d.meter_id = v.meter_id and d.day = v.day
        cross join generate_series(0, 23) as h
        ${where([sql`(v.hours >> h) & 1 = 1`, ...inRange(hour, range)])}
        group by v.org_id, v.meter_id, 3, v.group_key
        order by v.org_id, v.meter_id, 3, v.group_key`,
    readDb(),
  );
  const last = taken[taken.length - 1]!;
  const next: UsageCursor | null =
    days.length > UNIQUE_DAYS_PER_BATCH ? { phase: "uniques", after: [last.org_id, last.meter_id, last.day] } : null;
  return { page, next };
}

async function usageBatch(range: { from?: Date; to?: Date }, cursor: string | undefined) {
  const at: UsageCursor = cursor
    ? (JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as UsageCursor)
    : { phase: "rollups", after: null };
  const { page, next } =
    at.phase === "rollups" ? await rollupBatch(range, at.after) : await uniqueBatch(range, at.after);
  const orgs = page.length
    ? await selectRows(
        { id: text, external_id: nullable(text) },
        sql`select id, external_id from organizations where id = any(array(select json_array_elements_text(${JSON.stringify([...new Set(page.map((r) => r.org_id))])}::text::json)))`,
      )
    : [];
  const external = new Map(orgs.map((o) => [o.id, o.external_id]));
  return {
    rows: page.map((r) => ({ ...r, external_id: external.get(r.org_id) ?? null })),
    nextCursor: next ? Buffer.from(JSON.stringify(next)).toString("base64url") : null,
  };
}

/**
 * Usage per customer, meter, UTC hour and group, from the rollups (the events themselves stay in
 * the database): `value` is what the meter's aggregation makes of the hour (count, sum, max or
 * latest), then for unique-count meters the number of distinct values seen in the hour (`events`
 * empty: they keep values, not counts). Distinct values do not add up across hours; the unique
 * count of a longer range is GET /api/v1/usage's.
 */
export async function usageCsv(range: { from?: Date; to?: Date } = {}): Promise<ReadableStream<Uint8Array>> {
  const index = await meterIndex();
  return csvStream(
    ["customer_id", "external_customer_id", "meter", "aggregation", "unit", "hour_start", "group", "events", "value"],
    (cursor) => usageBatch(range, cursor),
    (r) => {
      const m = index.byId.get(r.meter_id);
      const value = m
        ? ({ count: r.cnt, sum: r.s, max: r.mx, latest: r.lt, unique_count: r.uq }[m.aggregation] ?? null)
        : null;
      return [
        r.org_id,
        safeText(r.external_id),
        m?.code ?? r.meter_id,
        m?.aggregation ?? null,
        m?.unit ?? null,
        iso(r.bucket_start),
        r.group_key === "{}" ? "" : safeText(r.group_key),
        r.cnt === null ? null : Number(r.cnt),
        value,
      ];
    },
  );
}
