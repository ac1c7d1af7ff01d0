// Inbound payment-provider events, stored once by their id before anything else happens.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const WEBHOOK_STATUSES = ["received", "processed", "failed", "ignored"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export const webhookEvents = pgTable(
  "webhook_events",
  {
    /** The provider's event id (evt_…), or a local sandbox event's id. */
    id: text().primaryKey(),
    provider: text().$type<"stripe" | "local">().notNull(),
    type: text().notNull(),
    /** event.created: when the provider says it happened. */
    createdAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    livemode: text(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().$type<WebhookStatus>().notNull().default("received"),
    attempts: integer().notNull().default(0),
    lastError: text(),
    processedAt: timestamp({ withTimezone: true }),
    orgId: text(),
  },
  (t) => [
    index("webhook_events_received_idx").on(t.receivedAt),
    index("webhook_events_status_idx")
      .on(t.status, t.receivedAt)
      .where(sql`${t.status} = 'failed'`),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
