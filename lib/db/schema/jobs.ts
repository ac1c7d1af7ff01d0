// The outbox: durable background work in Postgres (calls to Stripe, mostly). A job is inserted in
// the same transaction as the change that needs it, so it is never lost and never sent for a
// change that rolled back; a worker runs it with retries and exponential backoff.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const JOB_STATUSES = ["pending", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const jobs = pgTable(
  "jobs",
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    orgId: text(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** One job per key (e.g. "stripe.create_customer:<org>"): enqueueing twice is a no-op. */
    dedupeKey: text(),
    status: text().$type<JobStatus>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(12),
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastError: text(),
    result: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("jobs_dedupe_key")
      .on(t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
    index("jobs_due_idx")
      .on(t.runAt)
      .where(sql`${t.status} in ('pending', 'running')`),
    index("jobs_failed_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'failed'`),
  ],
);

export type Job = typeof jobs.$inferSelect;
