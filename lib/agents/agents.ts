// Agents of a customer. Every read and write is scoped by the organization passed in.
import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { agents, organizations, plans, type Agent, type Plan } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/db/errors";
import { assignPlan } from "./assign-plan";

export type AgentWithPlan = { agent: Agent; plan: Plan | null };

export async function createAgent(
  orgId: string,
  input: { name: string; description: string; externalId?: string; planId?: string },
  actor: string,
): Promise<AgentWithPlan> {
  // One transaction: an agent whose plan cannot be assigned is not created either.
  const id = newId("agt");
  await db.transaction(async (tx) => {
    try {
      await tx
        .insert(agents)
        .values({ id, orgId, name: input.name, description: input.description, externalId: input.externalId ?? null });
    } catch (e) {
      if (isUniqueViolation(e))
        throw conflict(`An agent with external_id "${input.externalId}" already exists for this customer.`, [
          { field: "external_id", message: "already in use" },
        ]);
      throw e;
    }
    if (input.planId)
      await assignPlan(orgId, id, input.planId, { actor, comments: "Assigned when the agent was created" }, tx);
  });
  return getAgent(orgId, id);
}

export async function getAgent(orgId: string, agentId: string, tx: Executor = db): Promise<AgentWithPlan> {
  const [row] = await tx
    .select({ agent: agents, plan: plans })
    .from(agents)
    .leftJoin(plans, eq(plans.id, agents.planId))
    .where(and(eq(agents.orgId, orgId), eq(agents.id, agentId)));
  if (!row) throw notFound("Agent");
  return row;
}

export async function listAgents(orgId: string, opts: { withoutPlan?: boolean } = {}): Promise<AgentWithPlan[]> {
  return db
    .select({ agent: agents, plan: plans })
    .from(agents)
    .leftJoin(plans, eq(plans.id, agents.planId))
    .where(
      and(eq(agents.orgId, orgId), isNull(agents.archivedAt), opts.withoutPlan ? isNull(agents.planId) : undefined),
    )
    .orderBy(desc(agents.createdAt));
}

/** The organization an agent belongs to, for operators who name an agent by id alone. */
export async function agentOrg(agentId: string): Promise<string> {
  const [row] = await db.select({ orgId: agents.orgId }).from(agents).where(eq(agents.id, agentId));
  if (!row) throw notFound("Agent");
  return row.orgId;
}

/** Admin monitoring: live agents without a plan, across customers. */
export async function agentsWithoutPlan(limit = 100) {
  return db
    .select({
      id: agents.id,
      name: agents.name,
      orgId: agents.orgId,
      orgName: organizations.name,
      createdAt: agents.createdAt,
    })
    .from(agents)
    .innerJoin(organizations, eq(organizations.id, agents.orgId))
    .where(and(isNull(agents.planId), isNull(agents.archivedAt)))
    .orderBy(desc(agents.createdAt))
    .limit(limit);
}

export async function countAgentsWithoutPlan(): Promise<number> {
  return db.$count(agents, and(isNull(agents.planId), isNull(agents.archivedAt)));
}
