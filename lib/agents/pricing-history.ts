import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db } from "@/lib/db/client";
import { agentPlanHistory, plans } from "@/lib/db/schema";
import { getAgent } from "./agents";

const previous = alias(plans, "previous_plan");
const next = alias(plans, "new_plan");

/** An agent's plan changes, newest first, with the total count. */
export async function pricingHistory(orgId: string, agentId: string, limit: number) {
  const { agent, plan } = await getAgent(orgId, agentId);
  const where = and(eq(agentPlanHistory.orgId, orgId), eq(agentPlanHistory.agentId, agentId));
  const [rows, total] = await Promise.all([
    db
      .select({ row: agentPlanHistory, previousPlan: previous, newPlan: next })
      .from(agentPlanHistory)
      .leftJoin(previous, eq(previous.id, agentPlanHistory.previousPlanId))
      .leftJoin(next, eq(next.id, agentPlanHistory.newPlanId))
      .where(where)
      .orderBy(desc(agentPlanHistory.createdAt), desc(agentPlanHistory.id))
      .limit(limit),
    db.$count(agentPlanHistory, where),
  ]);
  return { agent, plan, rows, total };
}
