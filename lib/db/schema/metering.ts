// Usage metering: idempotency keys of events, hourly rollups, distinct values for unique counts,
// and a bounded log of items that were not stored (duplicates and rejections).
//
// The raw events themselves (`usage_events`) are a table partitioned by month: drizzle-kit cannot
// declare partitioned tables, so that table lives in a hand-written migration
// (drizzle/*_usage_events_partitioned.sql) and is read and written with raw SQL in lib/metering.
//
// None of these tables has a foreign key: every event insert would otherwise check (and
// key-share lock) its organization's row, which serializes concurrent batches of one customer.
// Organizations are never deleted by the app; lib/metering scopes every query by org_id.
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * Permanent deduplication: one row per (organization, idempotency key), claimed with
 * `insert … on conflict do nothing` in the same statement that stores the event. A unique index
 * on the partitioned events table would have to include the partition key (the event time), so
 * it could not stop the same key arriving with another timestamp; this table can.
 */
export const eventKeys = pgTable(
  "event_keys",
  {
    orgId: text().notNull(),
    eventId: text().notNull(),
    /** Hash of what the sender sent (name, customer, timestamp, source, properties): tells a replay from a different event reusing the id. */
    bodyHash: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.eventId] })],
);

/**
 * Per organization, meter, UTC hour and group: the aggregates of the events that meter read,
 * kept current in the ingest statement. Reads of count, sum, max and latest never touch the raw
 * events. `shard` spreads one hot hour of one customer over a few rows (each ingest statement
 * picks one at random), so concurrent batches of the same customer do not queue on one row
 * lock; reads add the shards up.
 */
export const usageRollups = pgTable(
  "usage_rollups",
  {
    orgId: text().notNull(),
    meterId: text().notNull(),
    bucketStart: timestamp({ withTimezone: true }).notNull(),
    /** The meter's group_by values as canonical JSON (`{"model":"gpt-4"}`), or '{}' when it does not group. */
    groupKey: text().notNull(),
    shard: smallint().notNull(),
    eventCount: bigint({ mode: "number" }).notNull(),
    valueSum: numeric(),
    valueMax: numeric(),
    /** The value of the latest event in the bucket (by event time; ties go to the one ingested last). */
    latestValue: numeric(),
    latestAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.meterId, t.bucketStart, t.groupKey, t.shard] })],
);

/**
 * Unique counts: each distinct value a unique_count meter saw, per organization, meter, UTC day
 * and group, with a 24-bit mask of the hours of that day in which it occurred. The distinct count
 * over any hour-aligned range is `count(distinct value)` over the days in range, keeping a day's
 * row only when its mask overlaps the range's hours of that day — exact for an hour, a day, a
 * month or a billing period, at a read cost of (distinct values × days).
 */
export const usageUniqueValues = pgTable(
  "usage_unique_values",
  {
    orgId: text().notNull(),
    meterId: text().notNull(),
    day: date({ mode: "string" }).notNull(),
    groupKey: text().notNull(),
    value: text().notNull(),
    hours: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.meterId, t.day, t.groupKey, t.value] })],
);

export const INGEST_LOG_OUTCOMES = ["duplicate", "rejected"] as const;
export type IngestLogOutcome = (typeof INGEST_LOG_OUTCOMES)[number];

/**
 * Items that were not stored, so an admin can see why: rejections (with the field and reason)
 * and duplicates. Bounded: a job keeps 7 days and at most 1,000 rows per organization, and one
 * request logs at most 100 items. `org_id` is null when the customer could not be resolved.
 */
export const ingestLog = pgTable(
  "ingest_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orgId: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    outcome: text().$type<IngestLogOutcome>().notNull(),
    eventId: text(),
    eventName: text(),
    /** The customer as the sender named it (external id, Tally id or Lago subscription). */
    customerRef: text(),
    field: text(),
    reason: text().notNull(),
    /** The item as sent, cut to 4 KB. */
    item: jsonb().$type<unknown>(),
    /** Which endpoint: events, events/bulk, events/batch, or a domain caller (calls). */
    via: text().notNull(),
  },
  (t) => [
    index("ingest_log_org_idx").on(t.orgId, t.receivedAt.desc()),
    index("ingest_log_received_idx").on(t.receivedAt),
  ],
);

export type UsageRollup = typeof usageRollups.$inferSelect;
export type IngestLogRow = typeof ingestLog.$inferSelect;

/** A row of the hand-written usage_events table (see the migration). */
export type UsageEventRow = {
  id: string;
  orgId: string;
  eventId: string;
  eventName: string;
  timestamp: Date;
  ingestedAt: Date;
  source: string | null;
  properties: Record<string, unknown>;
  subscriptionId: string | null;
  idGenerated: boolean;
};
