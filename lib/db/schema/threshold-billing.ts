// Threshold invoicing (issue 18, item 6): a plan can invoice its subscribers mid-period whenever the
// period's usage not yet invoiced reaches an amount ("every $500"). Each such invoice is recorded
// here with what it billed per period line id, so the period-end invoice bills only the rest
// (lib/payments/threshold-invoicing.ts, lessThresholdBilled).
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { plans } from "./catalog";
import { organizations } from "./orgs";

export const planBillingThresholds = pgTable("plan_billing_thresholds", {
  planId: text()
    .primaryKey()
    .references(() => plans.id, { onDelete: "cascade" }),
  /** Invoice as soon as the period's unbilled usage reaches this (minor units of the plan's currency). */
  amountCents: bigint({ mode: "number" }).notNull(),
  updatedBy: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const thresholdBillings = pgTable(
  "threshold_billings",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    /** The subscription period the usage belongs to (its start). */
    periodStart: timestamp({ withTimezone: true }).notNull(),
    /** 1, 2, … within the period. */
    seq: bigint({ mode: "number" }).notNull(),
    amountCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    /** Minor units billed per period line id (PeriodLine.id) by this invoice. */
    lines: jsonb().$type<Record<string, number>>().notNull(),
    /** Tally's invoice (local and manual subscriptions), or Stripe's one-off invoice id. */
    invoiceId: text(),
    provider: text().$type<"local" | "stripe" | "manual">().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "threshold_billings_pkey", columns: [t.id, t.orgId] }),
    uniqueIndex("threshold_billings_period_seq").on(t.subscriptionId, t.periodStart, t.seq, t.orgId),
    index("threshold_billings_org_idx").on(t.orgId, t.createdAt),
  ],
);

export type ThresholdBilling = typeof thresholdBillings.$inferSelect;
