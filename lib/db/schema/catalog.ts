// The platform's catalog: meters, plans (versioned) and their charges, credit events, credit
// products, and provider model prices. Platform-wide, not tenant data.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Charge } from "@/lib/rating/types";

export const AGGREGATIONS = ["count", "sum", "max", "unique_count", "latest"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const meters = pgTable(
  "meters",
  {
    id: text().primaryKey(),
    code: text().notNull(),
    name: text().notNull(),
    eventName: text().notNull(),
    aggregation: text().$type<Aggregation>().notNull(),
    /** The property read by sum, max, unique_count and latest; null for count. */
    property: text(),
    /** Only events whose property values are in these lists count: {"model": ["gpt-4"]}. */
    filters: jsonb().$type<Record<string, string[]>>().notNull().default({}),
    groupBy: jsonb().$type<string[]>().notNull().default([]),
    unit: text().notNull().default("unit"),
    /** Sum meters only: whether events may carry negative values (corrections). Off, a negative value rejects the event. */
    allowNegative: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("meters_code_key").on(t.code), index("meters_event_name_idx").on(t.eventName)],
);

export const PLAN_INTERVALS = ["month", "year"] as const;
export type PlanInterval = (typeof PLAN_INTERVALS)[number];
export const PLAN_SOURCES = ["local", "stripe", "import"] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];

/** A plan's life cycle: a draft is offered to no one; on sale it is offered; off sale it can go back on sale. */
export const PLAN_STATUSES = ["draft", "on_sale", "off_sale"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * The linked Stripe product and price as Tally last saw them (when it published the plan, or pulled
 * it in a sync): compared with the plan, it says whether the plan is in step with Stripe.
 */
export type StripePlanSnapshot = {
  product_id: string;
  price_id: string;
  name: string;
  description: string;
  unit_amount: number;
  currency: string;
  interval: string;
  /** The price and its product are both active: new customers can buy it. */
  active: boolean;
  seen_at: string;
};
export type PlanLimit = { meter: string; limit: number; enforcement: "soft" | "hard" };

/**
 * What a feature measures: on or off ("SSO"), a number ("seats"), or a metered limit — a metered
 * feature's key is its meter's code, and a plan's value for it is the plan's limit on that meter.
 */
export const FEATURE_KINDS = ["boolean", "numeric", "metered"] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** A boolean or numeric feature a plan version grants (metered ones are the plan's `limits`). */
export type PlanFeatureGrant = { feature: string; value: boolean | number };

/** Features plans grant. Platform-wide catalog, like meters; archived ones are granted no more. */
export const features = pgTable(
  "features",
  {
    id: text().primaryKey(),
    key: text().notNull(),
    kind: text().$type<FeatureKind>().notNull(),
    name: text().notNull(),
    /** What a numeric feature counts ("seat"); a metered feature's unit is its meter's. */
    unit: text(),
    sortOrder: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("features_key_key").on(t.key)],
);

/**
 * One row per plan version. A price change inserts version n+1 with the same code and makes it
 * the active one; subscriptions and call snapshots keep pointing at the row they were made with.
 */
export const plans = pgTable(
  "plans",
  {
    id: text().primaryKey(),
    code: text().notNull(),
    version: integer().notNull().default(1),
    /** Groups the monthly and yearly plans of one product ("starter") for tier breakdowns and the plan picker. */
    tier: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    interval: text().$type<PlanInterval>().notNull(),
    currency: text().notNull().default("usd"),
    basePriceCents: bigint({ mode: "number" }).notNull().default(0),
    trialDays: integer().notNull().default(0),
    /** Credits granted each month of a subscription (yearly plans too: monthly, on their own schedule). */
    includedCredits: integer().notNull().default(0),
    limits: jsonb().$type<PlanLimit[]>().notNull().default([]),
    /** Boolean and numeric features this version grants; versioned with the charges. */
    features: jsonb().$type<PlanFeatureGrant[]>().notNull().default([]),
    charges: jsonb().$type<Charge[]>().notNull().default([]),
    /** Offered to new subscribers. Only the newest version of a code can be active. */
    active: boolean().notNull().default(true),
    /** Offered in the customer's plan picker; false for plans an admin assigns (e.g. agent pricing). */
    selfServe: boolean().notNull().default(true),
    /**
     * When a subscriber's credits run out: true continues as overage (billed in arrears), false
     * stops (entitlements refuse, consume 402). Null: the organization's own allow_overage decides.
     */
    allowOverage: boolean(),
    /**
     * When the plan was first put on sale; null while it is a draft. With `active` it gives the
     * life cycle (planStatus): draft (never on sale) → on sale (active) → off sale (not active, published).
     */
    publishedAt: timestamp({ withTimezone: true }).defaultNow(),
    /** True for the newest version of its code, active or archived. */
    isLatest: boolean().notNull().default(true),
    sortOrder: integer().notNull().default(0),
    source: text().$type<PlanSource>().notNull().default("local"),
    stripeProductId: text(),
    stripePriceId: text(),
    /** The linked Stripe price as last published or pulled (lib/catalog/plan-stripe-status.ts). */
    stripeSnapshot: jsonb().$type<StripePlanSnapshot>(),
    /** The id a plan had where it was imported from (FlexPrice plan JSON). */
    importId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("plans_code_version_key").on(t.code, t.version),
    uniqueIndex("plans_latest_code_key")
      .on(t.code)
      .where(sql`${t.isLatest}`),
    uniqueIndex("plans_stripe_price_id_key")
      .on(t.stripePriceId)
      .where(sql`${t.stripePriceId} is not null and ${t.isLatest}`),
    index("plans_tier_idx").on(t.tier),
  ],
);

export const creditEvents = pgTable(
  "credit_events",
  {
    id: text().primaryKey(),
    code: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    /** Credits spent per unit of quantity. */
    credits: integer().notNull(),
    category: text().notNull().default("general"),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("credit_events_code_key").on(t.code)],
);

export const creditProducts = pgTable(
  "credit_products",
  {
    id: text().primaryKey(),
    code: text().notNull(),
    name: text().notNull(),
    credits: integer().notNull(),
    priceCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull().default("usd"),
    active: boolean().notNull().default(true),
    stripePriceId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("credit_products_code_key").on(t.code)],
);

/** What a provider charges per token, from a date on: the cost side of AI usage. */
export const modelPrices = pgTable(
  "model_prices",
  {
    id: text().primaryKey(),
    provider: text().notNull(),
    model: text().notNull(),
    inputPricePerToken: numeric().notNull(),
    outputPricePerToken: numeric().notNull(),
    currency: text().notNull().default("usd"),
    effectiveFrom: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("model_prices_provider_model_from_key").on(t.provider, t.model, t.effectiveFrom)],
);

export type Meter = typeof meters.$inferSelect;
export type Feature = typeof features.$inferSelect;
export type Plan = typeof plans.$inferSelect;
export type CreditEvent = typeof creditEvents.$inferSelect;
export type CreditProduct = typeof creditProducts.$inferSelect;
export type ModelPrice = typeof modelPrices.$inferSelect;
