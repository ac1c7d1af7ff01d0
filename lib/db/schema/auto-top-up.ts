// Auto top-up (issue 18, item 4): "when my balance falls below N credits, buy pack P", at most
// max_per_month times a calendar month (UTC). The crossing itself is detected in Postgres: the
// credit_balances column auto_top_up_below mirrors N while the setting is on, and a trigger on that
// table (drizzle/0015_auto_top_up_trigger.sql) enqueues one outbox job per downward crossing, in
// the transaction of the movement that crossed — so every path that moves credits is covered, and
// concurrent spends, serialized by the balance row's lock, cross once.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { creditProducts } from "./catalog";
import { organizations } from "./orgs";

export const autoTopUpSettings = pgTable("auto_top_up_settings", {
  orgId: text()
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  enabled: boolean().notNull().default(false),
  /** Buy when the spendable balance falls below this many credits. */
  thresholdCredits: bigint({ mode: "number" }).notNull(),
  creditProductId: text()
    .notNull()
    .references(() => creditProducts.id),
  /** Top-ups allowed per calendar month (UTC); a crossing beyond it is recorded as skipped. */
  maxPerMonth: integer().notNull().default(3),
  /** user:<id>, key:<id> */
  updatedBy: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const AUTO_TOP_UP_STATUSES = [
  "pending",
  "succeeded",
  "failed",
  "requires_action",
  "invoiced",
  "skipped",
] as const;
export type AutoTopUpStatus = (typeof AUTO_TOP_UP_STATUSES)[number];

/** One row per crossing acted on: the history customers and admins see. */
export const autoTopUps = pgTable(
  "auto_top_ups",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** seq:<ledger seq of the crossing movement>, or enabled:<seq> when turned on below the threshold. */
    crossingKey: text().notNull(),
    creditProductId: text()
      .notNull()
      .references(() => creditProducts.id),
    credits: bigint({ mode: "number" }).notNull(),
    amountCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    thresholdCredits: bigint({ mode: "number" }).notNull(),
    balanceAtCrossing: bigint({ mode: "number" }).notNull(),
    status: text().$type<AutoTopUpStatus>().notNull().default("pending"),
    /** Why it failed, needs action or was skipped, in words a customer understands. */
    message: text(),
    provider: text().$type<"local" | "stripe" | "manual">(),
    /** The charge (PaymentIntent, sandbox payment) that bought the credits. */
    providerPaymentId: text(),
    /** Invoice billing: the open invoice issued instead of a charge. */
    invoiceId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: "auto_top_ups_pkey", columns: [t.id, t.orgId] }),
    uniqueIndex("auto_top_ups_org_crossing_key").on(t.orgId, t.crossingKey),
    index("auto_top_ups_org_created_idx").on(t.orgId, t.createdAt.desc()),
    index("auto_top_ups_org_open_idx")
      .on(t.orgId)
      .where(sql`${t.status} in ('pending', 'requires_action')`),
  ],
);

export type AutoTopUpSettings = typeof autoTopUpSettings.$inferSelect;
export type AutoTopUp = typeof autoTopUps.$inferSelect;
