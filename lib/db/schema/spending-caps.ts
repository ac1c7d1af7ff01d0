// Spending caps (issue 18, item 5): a monthly ceiling, in money, on what a customer's usage and
// credit overage add to their bill. Hard: at the cap, entitlements answer allowed false and credit
// spends 402. Soft: alerts at 80 % and 100 %, once each per window.
import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

export const SPENDING_CAP_MODES = ["hard", "soft"] as const;
export type SpendingCapMode = (typeof SPENDING_CAP_MODES)[number];

export const spendingCaps = pgTable("spending_caps", {
  orgId: text()
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  /** The cap, in minor units of the subscription's currency. */
  amountCents: bigint({ mode: "number" }).notNull(),
  mode: text().$type<SpendingCapMode>().notNull(),
  /** user:<id>, key:<id> */
  updatedBy: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type SpendingCap = typeof spendingCaps.$inferSelect;
