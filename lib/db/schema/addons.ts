// Add-ons: purchasable items attached to a subscription on top of its plan — recurring (extra
// seats, a monthly credit top-up) or one-time — with their own price and features. The catalog
// (`addons`) is platform-wide like plans; what a subscription holds (`subscription_addons`) and the
// prorated and one-time charges waiting for the period's invoice (`addon_charges`) are tenant data.
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { organizations } from "./orgs";
import { subscriptions } from "./subscriptions";
import type { PlanFeatureGrant, PlanInterval } from "./catalog";

export const ADDON_KINDS = ["recurring", "one_time"] as const;
export type AddonKind = (typeof ADDON_KINDS)[number];

/** A metered limit an add-on adds to the plan's limit on that meter (per unit of quantity). */
export type AddonLimit = { meter: string; limit: number };

export const addons = pgTable(
  "addons",
  {
    id: text().primaryKey(),
    /** The operator's handle ("extra_seats"); unique. */
    code: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    kind: text().$type<AddonKind>().notNull(),
    /** A recurring add-on's billing interval; it must match the plan's (null for one-time). */
    interval: text().$type<PlanInterval>(),
    currency: text().notNull().default("usd"),
    /** Price per unit of quantity, per interval (recurring) or once (one-time), in minor units. */
    priceCents: bigint({ mode: "number" }).notNull(),
    /** Boolean and numeric features granted per unit (numeric values are multiplied by the quantity). */
    features: jsonb().$type<PlanFeatureGrant[]>().notNull().default([]),
    /** Metered limits added per unit to the plan's limits. */
    limits: jsonb().$type<AddonLimit[]>().notNull().default([]),
    /** Credits granted per unit each allocation window (recurring: a monthly top-up) or once (one-time). */
    credits: integer().notNull().default(0),
    /** The most units one subscription may hold (1: on or off). */
    maxQuantity: integer().notNull().default(1),
    /** Plan codes it may be added to; empty: every plan. */
    planCodes: jsonb().$type<string[]>().notNull().default([]),
    stripePriceId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Archived: sold no more; subscriptions that hold it keep it. */
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("addons_code_key").on(t.code),
    check("addons_price_nonnegative", sql`${t.priceCents} >= 0`),
    check("addons_max_quantity_positive", sql`${t.maxQuantity} >= 1`),
    check(
      "addons_interval_by_kind",
      sql`(${t.kind} = 'recurring' and ${t.interval} is not null) or (${t.kind} = 'one_time' and ${t.interval} is null)`,
    ),
  ],
);

export const subscriptionAddons = pgTable(
  "subscription_addons",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    addonId: text()
      .notNull()
      .references(() => addons.id),
    quantity: integer().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    /** Removed (or the quantity changed: a new row continues it); null while held. */
    endedAt: timestamp({ withTimezone: true }),
    /** The Stripe subscription item (si_…) that bills it on Stripe. */
    providerItemId: text(),
    actor: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "subscription_addons_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "subscription_addons_subscription_fk",
      columns: [t.orgId, t.subscriptionId],
      foreignColumns: [subscriptions.orgId, subscriptions.id],
    }).onDelete("cascade"),
    index("subscription_addons_sub_idx").on(t.subscriptionId, t.endedAt),
    index("subscription_addons_org_idx").on(t.orgId),
    // One live row per add-on and subscription: a quantity change ends the row and starts another.
    uniqueIndex("subscription_addons_one_live")
      .on(t.subscriptionId, t.addonId, t.orgId)
      .where(sql`${t.endedAt} is null`),
    check("subscription_addons_quantity_positive", sql`${t.quantity} >= 1`),
  ],
);

export const ADDON_CHARGE_KINDS = ["proration", "one_time"] as const;
export type AddonChargeKind = (typeof ADDON_CHARGE_KINDS)[number];

/**
 * A charge (positive) or credit (negative) from adding, changing or removing an add-on mid-period,
 * or a one-time add-on's price: billed as its own line on the invoice of the period it falls in
 * (Tally-billed subscriptions; Stripe prorates its own subscription items).
 */
export const addonCharges = pgTable(
  "addon_charges",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    addonId: text()
      .notNull()
      .references(() => addons.id),
    kind: text().$type<AddonChargeKind>().notNull(),
    description: text().notNull(),
    quantity: integer().notNull(),
    /** Exact amount before rounding, as a decimal string of major units (shown on the line). */
    exactAmount: text().notNull(),
    amountCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    /** The start of the subscription period whose invoice bills it. */
    periodStart: timestamp({ withTimezone: true }).notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    /** Once per change: `<subscription_addon id>:<what>`. */
    sourceKey: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "addon_charges_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "addon_charges_subscription_fk",
      columns: [t.orgId, t.subscriptionId],
      foreignColumns: [subscriptions.orgId, subscriptions.id],
    }).onDelete("cascade"),
    uniqueIndex("addon_charges_source_key").on(t.sourceKey, t.orgId),
    index("addon_charges_sub_period_idx").on(t.subscriptionId, t.periodStart),
  ],
);

export type Addon = typeof addons.$inferSelect;
export type SubscriptionAddon = typeof subscriptionAddons.$inferSelect;
export type AddonCharge = typeof addonCharges.$inferSelect;
