// Alerts: thresholds a customer crossed (usage at 80 % / 100 % of a plan limit, a low credit
// balance), raised once per period and acknowledged by a person.
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const ALERT_KINDS = [
  "usage_limit",
  "low_credit_balance",
  "credits_depleted",
  "auto_top_up",
  "webhook_endpoint_disabled",
  "spending_cap",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const alerts = pgTable(
  "alerts",
  {
    id: text().notNull(),
    orgId: text().notNull(),
    kind: text().$type<AlertKind>().notNull(),
    /** What the alert is about within its kind: a meter code, "balance". */
    key: text().notNull(),
    /** The threshold crossed, as text: "80" and "100" (percent of a limit), or a credit amount. */
    threshold: text().notNull(),
    /** The period the alert belongs to (its start, ISO-8601): the same alert fires again next period. */
    periodKey: text().notNull(),
    severity: text().$type<"warning" | "critical">().notNull().default("warning"),
    message: text().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    /** user:<id> or key:<id> */
    acknowledgedBy: text(),
  },
  (t) => [
    primaryKey({ name: "alerts_pkey", columns: [t.id, t.orgId] }),
    uniqueIndex("alerts_once_per_period_key").on(t.orgId, t.kind, t.key, t.threshold, t.periodKey),
    index("alerts_open_idx")
      .on(t.orgId, t.createdAt.desc())
      .where(sql`${t.acknowledgedAt} is null`),
    index("alerts_org_idx").on(t.orgId, t.createdAt.desc()),
  ],
);

export type Alert = typeof alerts.$inferSelect;
