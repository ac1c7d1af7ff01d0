// Tax rates the operator charges (platform-wide, like plans): by country and, where it matters, a
// region. Archived, never deleted: issued invoices name them. One active rate per jurisdiction.
import { sql } from "drizzle-orm";
import { boolean, index, numeric, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const taxRates = pgTable(
  "tax_rates",
  {
    id: text().primaryKey(),
    /** ISO 3166-1 alpha-2, upper case. */
    country: text().notNull(),
    /** A state or province code ("CA", "QC"); null for the whole country. */
    region: text(),
    /** What the invoice calls it: "VAT", "GST", "Sales tax". */
    name: text().notNull(),
    /** Exact decimal percentage: "20" is 20 %. */
    percentage: numeric().notNull(),
    /** Prices already include this tax (net is backed out of them) rather than adding it on top. */
    inclusive: boolean().notNull().default(false),
    active: boolean().notNull().default(true),
    /** The Stripe TaxRate made from this rate (tax mode tally_rates on Stripe); Stripe's rates are immutable, so one per row. */
    stripeTaxRateId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("tax_rates_active_jurisdiction_key")
      .on(t.country, sql`coalesce(${t.region}, '')`)
      .where(sql`${t.active}`),
    index("tax_rates_country_idx").on(t.country),
  ],
);

export type TaxRate = typeof taxRates.$inferSelect;
