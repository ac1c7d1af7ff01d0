// Usage corrections (lib/metering/corrections.ts): an operator retracts usage events, with a reason.
// A correction is the audit row (who, when, why, which events, what it changed); the retracted
// events themselves are moved out of usage_events into usage_events_retracted, so every read of
// usage — rollup rebuilds, drawdown, late-usage, the event list — sees only events that count
// without a filter of its own, and a retraction of a million events does not leave a million dead
// rows that every later read of the month has to skip.
import { sql } from "drizzle-orm";
import { bigint, boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

export const USAGE_CORRECTION_STATUSES = ["pending", "running", "completed", "failed"] as const;
export type UsageCorrectionStatus = (typeof USAGE_CORRECTION_STATUSES)[number];

/** Which events a correction retracts: event ids, or a time range optionally narrowed by event name and property values. */
export type CorrectionSelector =
  | { kind: "ids"; event_ids: string[] }
  | {
      kind: "range";
      from: string;
      to: string;
      event_name?: string | null;
      properties?: Record<string, string[]>;
    };

export const usageCorrections = pgTable(
  "usage_corrections",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    reason: text().notNull(),
    selector: jsonb().$type<CorrectionSelector>().notNull(),
    /** actorLabel(): user:<id> or key:<id>. */
    requestedBy: text().notNull(),
    status: text().$type<UsageCorrectionStatus>().notNull().default("pending"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
    /** Events moved to usage_events_retracted so far. */
    eventsRetracted: bigint({ mode: "number" }).notNull().default(0),
    /** Of which were already drawn from credits (ingested before the customer's drawdown cursor) when retracted. */
    eventsDrawn: bigint({ mode: "number" }).notNull().default(0),
    /** Of which were timestamped in a period already billed: the next bill credits them (late-usage.ts). */
    eventsInBilledPeriods: bigint({ mode: "number" }).notNull().default(0),
    /** The earliest and latest event time retracted. */
    firstEventAt: timestamp({ withTimezone: true }),
    lastEventAt: timestamp({ withTimezone: true }),
    /** Keyset cursor of the batches: the last (timestamp, id) looked at. */
    cursorAt: timestamp({ withTimezone: true, precision: 6 }),
    cursorId: text(),
    /** The last failure, kept while the job retries. */
    error: text(),
    /** Every matching event has been moved and its hours' rollups rebuilt (set by the last batch); credit refunds follow. */
    allMoved: boolean().notNull().default(false),
    /** Credits given back to the buckets they were drawn from, for retracted events already drawn (their drawdowns refunded in part). */
    creditsRefunded: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "usage_corrections_pkey", columns: [t.id, t.orgId] }),
    index("usage_corrections_org_idx").on(t.orgId, t.createdAt.desc()),
    index("usage_corrections_open_idx")
      .on(t.status)
      .where(sql`status in ('pending', 'running')`),
  ],
);

/**
 * Retracted events: a usage_events row as it was stored, with the correction that retracted it.
 * Not partitioned: corrections are rare and read by correction or by customer and time.
 */
export const usageEventsRetracted = pgTable(
  "usage_events_retracted",
  {
    id: text().notNull(),
    orgId: text().notNull(),
    eventId: text().notNull(),
    eventName: text().notNull(),
    timestamp: timestamp({ withTimezone: true }).notNull(),
    ingestedAt: timestamp({ withTimezone: true }).notNull(),
    source: text(),
    properties: jsonb().$type<Record<string, unknown>>().notNull(),
    subscriptionId: text(),
    idGenerated: boolean().notNull(),
    correctionId: text().notNull(),
    /** Ingested before the customer's drawdown cursor when retracted: its credits were drawn, and are refunded. */
    drawn: boolean().notNull().default(false),
    retractedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("usage_events_retracted_correction_idx").on(t.correctionId),
    // Late usage: retractions after a customer's billing watermark (lib/payments/late-usage.ts).
    index("usage_events_retracted_org_idx").on(t.orgId, t.retractedAt),
  ],
);

export type UsageCorrection = typeof usageCorrections.$inferSelect;
