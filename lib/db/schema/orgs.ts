// Organizations: the platform's customers. Every tenant row elsewhere carries org_id.
import type { BillingDetails } from "@/lib/invoices/party-schemas";
import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const organizations = pgTable(
  "organizations",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    email: text(),
    externalId: text(),
    stripeCustomerId: text(),
    /** Spend beyond the balance is recorded as overage instead of refused (credits). */
    allowOverage: boolean().notNull().default(false),
    /** Credit bucket precedence: an ordered list of sources; null means the default (purchased first). */
    creditPrecedence: jsonb().$type<string[]>(),
    metadata: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Billing name, address and tax ids (lib/invoices/party-schemas.ts ZBillingDetails); null until set. */
    billingDetails: jsonb().$type<BillingDetails>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("organizations_external_id_key")
      .on(t.externalId)
      .where(sql`${t.externalId} is not null`),
    uniqueIndex("organizations_stripe_customer_id_key")
      .on(t.stripeCustomerId)
      .where(sql`${t.stripeCustomerId} is not null`),
    // The admin's customer list, newest first (keyset on created_at, id): a page reads 25 rows, not every customer.
    index("organizations_created_idx").on(t.createdAt, t.id),
  ],
);

export type Organization = typeof organizations.$inferSelect;
