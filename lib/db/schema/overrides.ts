// Per-customer overrides: an operator changes one term of a customer's plan — a usage charge's
// price, a feature's value or limit, the included credits, the trial length — for a span of time,
// with a reason, without making a plan. Tenant data (org_id). A row is never edited: a change is a
// new row, and a revoke stamps revoked_at/revoked_by, so the rows are the history of who changed
// what (lib/overrides).
import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { organizations } from "./orgs";

export const OVERRIDE_KINDS = ["charge_price", "feature", "included_credits", "trial_days"] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export const customerOverrides = pgTable(
  "customer_overrides",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: text().$type<OverrideKind>().notNull(),
    /** charge_price: the usage charge's meter code; feature: the feature key (a meter code for a metered one); "" otherwise. */
    target: text().notNull().default(""),
    /** Validated by kind on the way in (lib/overrides/schemas.ts, the plan's own charge and feature schemas). */
    value: jsonb().$type<Record<string, unknown>>().notNull(),
    reason: text().notNull(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    /** Exclusive; null: until revoked. */
    endsAt: timestamp({ withTimezone: true }),
    /** user:<id> or key:<id> (actorLabel). */
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    revokedBy: text(),
  },
  (t) => [
    primaryKey({ name: "customer_overrides_pkey", columns: [t.id, t.orgId] }),
    index("customer_overrides_org_idx").on(t.orgId, t.kind, t.target),
    check("customer_overrides_span", sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
  ],
);

export type CustomerOverride = typeof customerOverrides.$inferSelect;
