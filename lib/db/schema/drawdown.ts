// Meters priced in credits (lib/credits/drawdown*.ts): a link says which credit event a meter's
// events spend, a cursor per organization says up to which ingestion instant its events have been
// drawn, and a drawdown row records each spend with the meter and the event range it covers.
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

/**
 * A meter (optionally narrowed by property values, e.g. {"model": ["gpt-4"]}) linked to a credit
 * event: each of its events ingested after `created_at` spends ceil(quantity × credits) credits.
 * Only count and sum meters can be linked. Archiving stops the drawdown for later events.
 */
export const creditMeterLinks = pgTable(
  "credit_meter_links",
  {
    id: text().primaryKey(),
    meterId: text().notNull(),
    creditEventCode: text().notNull(),
    /** Extra property filters on top of the meter's own: only events whose values are listed spend. */
    filters: jsonb().$type<Record<string, string[]>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("credit_meter_links_meter_idx").on(t.meterId)],
);

/**
 * Per organization: every event of a linked meter ingested before `drawn_through` has been drawn
 * (those ingested exactly at it belong to the next drawdown) (written in the same statement as the ledger rows, under the organization's balance lock).
 */
export const creditDrawdownCursors = pgTable("credit_drawdown_cursors", {
  orgId: text()
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  drawnThrough: timestamp({ withTimezone: true, precision: 6 }).notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** One drawdown of one link for one organization: the ledger operation, the meter and the events it covers. */
export const creditDrawdowns = pgTable(
  "credit_drawdowns",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The ledger rows' operation_id (none when nothing could be drawn). */
    operationId: text(),
    linkId: text().notNull(),
    meterId: text().notNull(),
    creditEvent: text().notNull(),
    /** The events covered: ingested at or after `from_ingested_at` and before `through_ingested_at`. */
    fromIngestedAt: timestamp({ withTimezone: true, precision: 6 }).notNull(),
    throughIngestedAt: timestamp({ withTimezone: true, precision: 6 }).notNull(),
    eventCount: integer().notNull(),
    firstEventId: text().notNull(),
    lastEventId: text().notNull(),
    quantity: numeric().notNull(),
    /** Σ ceil(quantity × credits per unit), per event. */
    credits: bigint({ mode: "number" }).notNull(),
    /** Of which spent beyond the balance as overage (billed in arrears). */
    overageCredits: bigint({ mode: "number" }).notNull().default(0),
    /** Of which not drawn: the organization stops at zero and had too few credits. */
    shortCredits: bigint({ mode: "number" }).notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "credit_drawdowns_pkey", columns: [t.id, t.orgId] }),
    index("credit_drawdowns_org_created_idx").on(t.orgId, t.createdAt),
    // Billing reads a link's drawdowns of a customer beside its events, to net what they drew (drawnQuantitySql).
    index("credit_drawdowns_link_through_idx").on(t.orgId, t.linkId, t.throughIngestedAt),
    check("credit_drawdowns_credits_split", sql`${t.overageCredits} + ${t.shortCredits} <= ${t.credits}`),
  ],
);

export type CreditMeterLink = typeof creditMeterLinks.$inferSelect;
export type CreditDrawdown = typeof creditDrawdowns.$inferSelect;
