// Outbound webhooks (Standard Webhooks): endpoints the operator (org_id null: the installation's) or a
// customer organization registers; messages, one per event, written in the same transaction as the
// change they report (an outbox); a delivery per message and endpoint, with its retry state; and each
// HTTP attempt of a delivery (the delivery log).
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

export const WEBHOOK_ENDPOINT_STATUSES = ["enabled", "disabled"] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text().primaryKey(),
    /** Null: the installation's own endpoint (the operator's systems), which receives every customer's events. */
    orgId: text().references(() => organizations.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text().notNull().default(""),
    /** Event types wanted; empty means all. */
    eventTypes: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The signing secret (whsec_<base64>, Standard Webhooks), sealed: tenc1:<key id>:… (lib/secret-box.ts). */
    secret: text().notNull(),
    /** The secret before the last rotation (sealed), still signed with (a second signature) until it expires. */
    previousSecret: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    status: text().$type<WebhookEndpointStatus>().notNull().default("enabled"),
    disabledReason: text(),
    disabledAt: timestamp({ withTimezone: true }),
    /** The first failed attempt since the last success; null while the endpoint answers. */
    failingSince: timestamp({ withTimezone: true }),
    lastSuccessAt: timestamp({ withTimezone: true }),
    lastFailureAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId, t.createdAt)],
);

export const webhookMessages = pgTable(
  "webhook_messages",
  {
    /** msg_…: the `webhook-id` every delivery and retry of this event carries, so receivers dedupe. */
    id: text().primaryKey(),
    /** Commit order within an ordering key (the change's transaction holds the row it reports). */
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    /** The customer the event is about. */
    orgId: text(),
    type: text().notNull(),
    /** The exact JSON body sent ({type, timestamp, data}), kept as text so every attempt sends the same bytes. */
    body: text().notNull(),
    /** Events with the same key reach each endpoint in order (a subscription's changes); null: no order. */
    orderingKey: text(),
    /**
     * Names the change an event reports when the same change can be applied twice (a Stripe event
     * replayed by an admin: `stripe:<event id>:<type>`): a second event with the key is not written.
     */
    dedupeKey: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_messages_org_idx").on(t.orgId, t.createdAt),
    uniqueIndex("webhook_messages_dedupe_key")
      .on(t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
  ],
);

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text().primaryKey(),
    messageId: text()
      .notNull()
      .references(() => webhookMessages.id, { onDelete: "cascade" }),
    messageSeq: bigint({ mode: "number" }).notNull(),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The endpoint's organization (null: the installation's endpoint), for scoping reads. */
    orgId: text(),
    orderingKey: text(),
    status: text().$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** A worker's lease: a delivery whose worker died is claimed again once it lapses (and sent again, same webhook-id). */
    lockedUntil: timestamp({ withTimezone: true }),
    lastResponseStatus: integer(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    /** Set on a replay: the delivery it repeats. A replay is sent at once, outside the order. */
    replayOf: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_order_idx")
      .on(t.endpointId, t.orderingKey, t.messageSeq)
      .where(sql`${t.status} = 'pending' and ${t.orderingKey} is not null`),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_message_idx").on(t.messageId),
  ],
);

export const webhookDeliveryAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: text().primaryKey(),
    deliveryId: text()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    url: text().notNull(),
    /** The webhook-* headers sent (the body is the message's). */
    requestHeaders: jsonb().$type<Record<string, string>>().notNull(),
    responseStatus: integer(),
    /** The first 2 KB of the answer. */
    responseBody: text(),
    error: text(),
    durationMs: integer().notNull(),
  },
  (t) => [index("webhook_delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookMessage = typeof webhookMessages.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;
