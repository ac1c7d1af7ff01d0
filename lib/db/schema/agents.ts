// Agents (a customer's voice or AI agents), their plan assignments with history, and calls with the
// plan they were started under and their finalized cost.
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
import type { Charge, RatedLine } from "@/lib/rating/types";
import { plans } from "./catalog";
import { organizations } from "./orgs";

export const agents = pgTable(
  "agents",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text().notNull().default(""),
    externalId: text(),
    planId: text().references(() => plans.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: "agents_pkey", columns: [t.id, t.orgId] }),
    index("agents_org_idx").on(t.orgId, t.createdAt),
    uniqueIndex("agents_org_external_id_key")
      .on(t.orgId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index("agents_without_plan_idx")
      .on(t.orgId)
      .where(sql`${t.planId} is null and ${t.archivedAt} is null`),
  ],
);

export const AGENT_PLAN_ACTIONS = ["assigned", "changed", "removed"] as const;
export type AgentPlanAction = (typeof AGENT_PLAN_ACTIONS)[number];

export const agentPlanHistory = pgTable(
  "agent_plan_history",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentId: text().notNull(),
    action: text().$type<AgentPlanAction>().notNull(),
    previousPlanId: text().references(() => plans.id),
    newPlanId: text().references(() => plans.id),
    /** user:<id> or key:<id> */
    changedBy: text().notNull(),
    comments: text(),
    /** True on the row that describes the agent's current assignment. */
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "agent_plan_history_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "agent_plan_history_agent_fk",
      columns: [t.orgId, t.agentId],
      foreignColumns: [agents.orgId, agents.id],
    }).onDelete("cascade"),
    index("agent_plan_history_agent_idx").on(t.orgId, t.agentId, t.createdAt),
  ],
);

export type CallStatus = "in_progress" | "finalized";

export const calls = pgTable(
  "calls",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentId: text().notNull(),
    /** The agent's plan version when the call started: the price in force at start is the price billed. */
    planId: text().references(() => plans.id),
    /** A copy of that version's charges and currency, so the call is priced from what it captured. */
    charges: jsonb().$type<Charge[]>(),
    currency: text(),
    status: text().$type<CallStatus>().notNull().default("in_progress"),
    externalId: text(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }),
    usageMetrics: jsonb().$type<Record<string, string>>(),
    /** The exact cost before rounding ("10.375"). */
    costExact: numeric(),
    /** The cost charged: costExact rounded half-up once to the currency's minor unit. */
    costCents: bigint({ mode: "number" }),
    costLines: jsonb().$type<RatedLine[]>(),
    usageRecorded: boolean().notNull().default(false),
    finalizedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "calls_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "calls_agent_fk",
      columns: [t.orgId, t.agentId],
      foreignColumns: [agents.orgId, agents.id],
    }).onDelete("cascade"),
    index("calls_org_agent_idx").on(t.orgId, t.agentId, t.startedAt),
    uniqueIndex("calls_org_external_id_key")
      .on(t.orgId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index("calls_unpriced_idx")
      .on(t.orgId, t.startedAt)
      .where(sql`${t.costCents} is null`),
  ],
);

export type Agent = typeof agents.$inferSelect;
export type AgentPlanHistoryRow = typeof agentPlanHistory.$inferSelect;
export type Call = typeof calls.$inferSelect;
