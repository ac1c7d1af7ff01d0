// Subscriptions and their history. Every change of status, plan, period or cancellation appends a
// history row holding the state after the change, so revenue for any past month is recomputable.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { organizations } from "./orgs";
import { plans, type PlanInterval } from "./catalog";

export const SUBSCRIPTION_STATUSES = ["incomplete", "trialing", "active", "past_due", "canceled", "expired"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
/** Statuses in which a subscription is the organization's current one. */
export const LIVE_STATUSES = [
  "incomplete",
  "trialing",
  "active",
  "past_due",
] as const satisfies readonly SubscriptionStatus[];

export type SubscriptionProvider = "manual" | "local" | "stripe";

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    planId: text()
      .notNull()
      .references(() => plans.id),
    status: text().$type<SubscriptionStatus>().notNull(),
    interval: text().$type<PlanInterval>().notNull(),
    /** Periods are counted from this instant (anchor + n intervals), so month ends never drift. */
    billingAnchor: timestamp({ withTimezone: true }).notNull(),
    currentPeriodStart: timestamp({ withTimezone: true }).notNull(),
    currentPeriodEnd: timestamp({ withTimezone: true }).notNull(),
    trialEnd: timestamp({ withTimezone: true }),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    canceledAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
    pastDueSince: timestamp({ withTimezone: true }),
    /** A downgrade waiting for the period end. */
    pendingPlanId: text().references(() => plans.id),
    /**
     * The live coupon's terms (lib/coupons), copied here while its discount lasts so that MRR and its
     * history read them without a join: percent off the base price (0–100) as a decimal string, or
     * an amount off in minor units of the plan's currency. Written only by lib/coupons.
     */
    discountPercent: numeric().notNull().default("0"),
    discountAmountCents: bigint({ mode: "number" }).notNull().default(0),
    /**
     * The recurring add-ons' fee per interval (price × quantity, minor units of the plan's currency),
     * kept here by lib/addons/apply.ts so that MRR and its history read it without a join. Coupons
     * discount the plan fee only, so this is never discounted.
     */
    addonCents: bigint({ mode: "number" }).notNull().default(0),
    externalId: text(),
    provider: text().$type<SubscriptionProvider>().notNull().default("manual"),
    stripeSubscriptionId: text(),
    /** Time of the newest provider state applied (Stripe event.created): older events never move the row back. */
    providerUpdatedAt: timestamp({ withTimezone: true }),
    /**
     * Late usage (lib/payments/late-usage.ts): usage events ingested after this instant (the database's
     * clock, less a margin) may belong to an already billed period; set each time a period's lines are
     * billed. Null: no period billed since it was added (the period's start, less the margin, is used).
     */
    lateUsageAfter: timestamp({ withTimezone: true }),
    /** False for a subscription started through the sandbox (test mode): it is served, but never counts in MRR. */
    livemode: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "subscriptions_pkey", columns: [t.id, t.orgId] }),
    index("subscriptions_org_id_idx").on(t.orgId, t.status),
    uniqueIndex("subscriptions_external_id_key")
      .on(t.externalId, t.orgId)
      .where(sql`${t.externalId} is not null`),
    uniqueIndex("subscriptions_stripe_id_key")
      .on(t.stripeSubscriptionId, t.orgId)
      .where(sql`${t.stripeSubscriptionId} is not null`),
    // One current subscription per organization.
    uniqueIndex("subscriptions_one_live_per_org")
      .on(t.orgId)
      .where(sql`${t.status} in ('incomplete', 'trialing', 'active', 'past_due')`),
    index("subscriptions_period_end_idx")
      .on(t.currentPeriodEnd)
      .where(sql`${t.status} in ('trialing', 'active', 'past_due')`),
  ],
);

export const SUBSCRIPTION_ACTIONS = [
  "created",
  "trial_started",
  "activated",
  "renewed",
  "plan_changed",
  "plan_change_scheduled",
  "cancel_scheduled",
  "cancel_unscheduled",
  "past_due",
  "recovered",
  "canceled",
  "expired",
  "reactivated",
  "discount_changed",
  "addon_changed",
] as const;
export type SubscriptionAction = (typeof SUBSCRIPTION_ACTIONS)[number];

export const subscriptionHistory = pgTable(
  "subscription_history",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    /** When the change took effect (the provider's event time where there is one). */
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    action: text().$type<SubscriptionAction>().notNull(),
    fromStatus: text().$type<SubscriptionStatus>(),
    status: text().$type<SubscriptionStatus>().notNull(),
    fromPlanId: text().references(() => plans.id),
    planId: text()
      .notNull()
      .references(() => plans.id),
    interval: text().$type<PlanInterval>().notNull(),
    /** The plan's price at the time, so later catalog edits do not rewrite the past. */
    basePriceCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    discountPercent: numeric().notNull().default("0"),
    discountAmountCents: bigint({ mode: "number" }).notNull().default(0),
    /** The recurring add-ons' fee per interval at the time (subscriptions.addon_cents). */
    addonCents: bigint({ mode: "number" }).notNull().default(0),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    /** The subscription's livemode, kept on each row so revenue history leaves test subscriptions out without a join. */
    livemode: boolean().notNull().default(true),
    /** user:<id>, key:<id>, stripe:<event id>, job:<name>, seed */
    actor: text().notNull(),
    comment: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "subscription_history_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "subscription_history_subscription_fk",
      columns: [t.orgId, t.subscriptionId],
      foreignColumns: [subscriptions.orgId, subscriptions.id],
    }).onDelete("cascade"),
    index("subscription_history_org_idx").on(t.orgId, t.occurredAt),
    index("subscription_history_sub_idx").on(t.subscriptionId, t.occurredAt),
    index("subscription_history_occurred_idx").on(t.occurredAt),
  ],
);

export type Subscription = typeof subscriptions.$inferSelect;
export type SubscriptionHistoryRow = typeof subscriptionHistory.$inferSelect;
