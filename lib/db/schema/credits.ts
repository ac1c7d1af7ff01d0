// The credits ledger: grants (buckets), reservations (holds), the append-only ledger of every
// movement, and one balance row per organization that every movement locks and updates.
//
// Identities kept by lib/credits (and checked by tests and benchmarks):
//   credit_balances.balance = Σ credit_ledger.amount                      (per organization)
//                           = Σ credit_grants.remaining − held − overage
//   credit_balances.held    = Σ credits of active reservations
//   credit_grants.remaining = Σ credit_ledger.bucket_delta of its rows, and never below zero
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

export const CREDIT_SOURCES = ["purchased", "subscription", "promotional"] as const;
export type CreditSource = (typeof CREDIT_SOURCES)[number];

/** Where a bucket came from. */
export const GRANT_ORIGINS = ["purchase", "allocation", "admin", "adjustment"] as const;
export type GrantOrigin = (typeof GRANT_ORIGINS)[number];

export const LEDGER_KINDS = [
  "grant",
  "consume",
  "reserve",
  "commit",
  "release",
  "expire",
  "refund",
  "adjustment",
  "overage",
  "overage_repaid",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const RESERVATION_STATUSES = ["active", "committed", "released", "expired"] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** One row per organization, created on its first movement. Locked (FOR UPDATE) by every movement. */
export const creditBalances = pgTable(
  "credit_balances",
  {
    orgId: text()
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** What can be spent now: Σ ledger amounts. Negative only while overage is outstanding. */
    balance: bigint({ mode: "number" }).notNull().default(0),
    /** Credits held by active reservations. */
    held: bigint({ mode: "number" }).notNull().default(0),
    /** Overage spent beyond the balance and not yet repaid or settled. */
    overage: bigint({ mode: "number" }).notNull().default(0),
    /** The ledger seq of the newest movement: the balance equals that row's balance_after. */
    lastSeq: bigint({ mode: "number" }).notNull().default(0),
    /** The newest subscription allocation (credits): the default low-balance threshold is 10 % of it. */
    lastAllocation: bigint({ mode: "number" }).notNull().default(0),
    /** Per-organization low-balance threshold in credits; null uses 10 % of the last allocation. */
    lowBalanceThreshold: bigint({ mode: "number" }),
    /** Per-organization price of one overage credit (decimal string); null uses the smallest pack's list price. */
    overagePricePerCredit: numeric(),
    overageCurrency: text().notNull().default("usd"),
    /** Auto top-up's threshold while it is on (auto_top_up_settings), null when off: read by the crossing trigger. */
    autoTopUpBelow: bigint({ mode: "number" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("credit_balances_held_nonnegative", sql`${t.held} >= 0`),
    check("credit_balances_overage_nonnegative", sql`${t.overage} >= 0`),
  ],
);

/** A grant is a bucket of credits with a source, a priority and an optional expiry. */
export const creditGrants = pgTable(
  "credit_grants",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    source: text().$type<CreditSource>().notNull(),
    origin: text().$type<GrantOrigin>().notNull(),
    amount: bigint({ mode: "number" }).notNull(),
    remaining: bigint({ mode: "number" }).notNull(),
    /** Lower is drawn first among buckets of the same source. */
    priority: integer().notNull().default(0),
    expiresAt: timestamp({ withTimezone: true }),
    /** Set when the expiry movement wrote off what was left. */
    expiredAt: timestamp({ withTimezone: true }),
    /** Exactly-once key: purchase:<payment id>, alloc:<subscription id>:<window start>, grant:<client key>. */
    idempotencyKey: text(),
    /** The payment id, subscription + period, or the admin's note of where the grant came from. */
    reference: text(),
    creditProductId: text(),
    subscriptionId: text(),
    reason: text(),
    actor: text().notNull(),
    /** False for credits bought with test (sandbox) money: spendable, but never deferred revenue. */
    livemode: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "credit_grants_pkey", columns: [t.id, t.orgId] }),
    uniqueIndex("credit_grants_org_idempotency_key")
      .on(t.orgId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    index("credit_grants_org_live_idx")
      .on(t.orgId, t.id)
      .where(sql`${t.remaining} > 0`),
    index("credit_grants_due_idx")
      .on(t.expiresAt)
      .where(sql`${t.remaining} > 0 and ${t.expiresAt} is not null`),
    check("credit_grants_remaining_range", sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.amount}`),
    check("credit_grants_amount_positive", sql`${t.amount} > 0`),
  ],
);

/** A hold on credits for in-flight work, committed in whole or part, released, or expired. */
export const creditReservations = pgTable(
  "credit_reservations",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    credits: bigint({ mode: "number" }).notNull(),
    status: text().$type<ReservationStatus>().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** Credits spent by the commit (may exceed the hold: the excess is spent like a consumption). */
    committedCredits: bigint({ mode: "number" }),
    idempotencyKey: text().notNull(),
    /** What the hold is for: a call id, a job id. */
    reference: text(),
    actor: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp({ withTimezone: true }),
    /** The commit's answer, replayed when the same commit is sent again. */
    result: jsonb().$type<unknown>(),
  },
  (t) => [
    primaryKey({ name: "credit_reservations_pkey", columns: [t.id, t.orgId] }),
    uniqueIndex("credit_reservations_org_idempotency_key").on(t.orgId, t.idempotencyKey),
    index("credit_reservations_due_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'active'`),
    index("credit_reservations_org_active_idx")
      .on(t.orgId, t.expiresAt)
      .where(sql`${t.status} = 'active'`),
    check("credit_reservations_credits_positive", sql`${t.credits} > 0`),
  ],
);

/**
 * The append-only ledger. One row per bucket a movement touches (a consumption drawn from two
 * buckets is two rows sharing an operation_id). Never updated or deleted: corrections are new rows.
 */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    /** Commit order within an organization (rows are written while its balance row is locked). */
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity(),
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Shared by the rows of one movement; a consumption's id. */
    operationId: text().notNull(),
    kind: text().$type<LedgerKind>().notNull(),
    bucketId: text(),
    /** The bucket's source, kept on the row for filtering. */
    source: text().$type<CreditSource>(),
    /** Signed effect on the spendable balance. */
    amount: bigint({ mode: "number" }).notNull(),
    /** Signed effect on the bucket's remaining credits (a commit spends held credits: amount 0, delta < 0). */
    bucketDelta: bigint({ mode: "number" }).notNull().default(0),
    balanceAfter: bigint({ mode: "number" }).notNull(),
    heldAfter: bigint({ mode: "number" }).notNull(),
    creditEvent: text(),
    /** The credit event's quantity (decimal string). */
    quantity: numeric(),
    reservationId: text(),
    /** A call id, payment id, subscription period, invoice — whatever the movement answers to. */
    reference: text(),
    reason: text(),
    idempotencyKey: text(),
    /** Overage rows: the price of one credit and the currency it is in. */
    unitPrice: numeric(),
    currency: text(),
    /** user:<id>, key:<id>, job:<name>, seed, subscription */
    actor: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.seq] }),
    uniqueIndex("credit_ledger_id_key").on(t.orgId, t.id),
    index("credit_ledger_org_created_idx").on(t.orgId, t.createdAt),
    index("credit_ledger_operation_idx").on(t.orgId, t.operationId),
  ],
);

export type CreditBalance = typeof creditBalances.$inferSelect;
export type CreditGrant = typeof creditGrants.$inferSelect;
export type CreditReservation = typeof creditReservations.$inferSelect;
export type CreditLedgerRow = typeof creditLedger.$inferSelect;
