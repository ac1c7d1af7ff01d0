// Coupons (platform-wide, like plans), the promotion codes customers type, and the discounts that
// attach a coupon to a subscription (tenant data: carries org_id). Redemptions are counted on the
// coupon and the code rows themselves, so a limit holds under concurrency (one conditional UPDATE).
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
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
import { subscriptions } from "./subscriptions";

export const COUPON_DURATIONS = ["once", "repeating", "forever"] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];
/** What a coupon reduces: the plan fee only, or every line of the invoice (usage too). */
export const COUPON_APPLIES_TO = ["plan", "all"] as const;
export type CouponAppliesTo = (typeof COUPON_APPLIES_TO)[number];

export const coupons = pgTable(
  "coupons",
  {
    id: text().primaryKey(),
    /** The operator's handle ("LAUNCH20"); unique. */
    code: text().notNull(),
    name: text().notNull(),
    /** Exactly one of percentOff and amountOffCents is set (a check constraint says so). */
    percentOff: numeric(),
    amountOffCents: bigint({ mode: "number" }),
    /** The currency of amountOffCents; null for a percent coupon. */
    currency: text(),
    duration: text().$type<CouponDuration>().notNull(),
    /** Months a repeating coupon lasts; null otherwise. */
    durationInMonths: integer(),
    appliesTo: text().$type<CouponAppliesTo>().notNull().default("plan"),
    /** Plan codes the coupon is limited to; empty: every plan. */
    planCodes: jsonb().$type<string[]>().notNull().default([]),
    maxRedemptions: integer(),
    timesRedeemed: integer().notNull().default(0),
    /** No redemption after this instant. */
    redeemBy: timestamp({ withTimezone: true }),
    stripeCouponId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("coupons_code_key").on(t.code),
    check(
      "coupons_one_kind",
      sql`(${t.percentOff} is not null and ${t.amountOffCents} is null) or (${t.percentOff} is null and ${t.amountOffCents} is not null and ${t.currency} is not null)`,
    ),
  ],
);

export const promotionCodes = pgTable(
  "promotion_codes",
  {
    id: text().primaryKey(),
    couponId: text()
      .notNull()
      .references(() => coupons.id, { onDelete: "cascade" }),
    /** What the customer types; matched case-insensitively (stored upper case). */
    code: text().notNull(),
    active: boolean().notNull().default(true),
    expiresAt: timestamp({ withTimezone: true }),
    maxRedemptions: integer(),
    timesRedeemed: integer().notNull().default(0),
    firstTimeTransaction: boolean().notNull().default(false),
    stripePromotionCodeId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("promotion_codes_code_key").on(t.code), index("promotion_codes_coupon_idx").on(t.couponId)],
);

/**
 * A coupon applied to a subscription. It reduces the fees of the periods that start in
 * [startsAt, endsAt) (endsAt null: forever), counted in billing periods from the first one it
 * applies to. One live discount per subscription; a replaced or removed one keeps its row (endedAt).
 */
export const subscriptionDiscounts = pgTable(
  "subscription_discounts",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    couponId: text()
      .notNull()
      .references(() => coupons.id),
    promotionCodeId: text().references(() => promotionCodes.id),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }),
    /** Set when an operator removed or replaced it before it ran out. */
    removedAt: timestamp({ withTimezone: true }),
    actor: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "subscription_discounts_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "subscription_discounts_subscription_fk",
      columns: [t.orgId, t.subscriptionId],
      foreignColumns: [subscriptions.orgId, subscriptions.id],
    }).onDelete("cascade"),
    index("subscription_discounts_org_idx").on(t.orgId, t.subscriptionId),
    uniqueIndex("subscription_discounts_one_live")
      .on(t.subscriptionId, t.orgId)
      .where(sql`${t.removedAt} is null`),
  ],
);

export type Coupon = typeof coupons.$inferSelect;
export type PromotionCode = typeof promotionCodes.$inferSelect;
export type SubscriptionDiscount = typeof subscriptionDiscounts.$inferSelect;
