// Assigning a plan to an agent: the agent row changes and a history row records who changed what,
// from which plan to which, and why. The newest row is the active one.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { agentPlanHistory, agents, plans, type AgentPlanAction, type Plan } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";

export type Assignment = {
  historyId: string;
  action: AgentPlanAction | null;
  previousPlan: Plan | null;
  newPlan: Plan | null;
};

export async function assignPlan(
  orgId: string,
  agentId: string,
  planId: string | null,
  opts: { actor: string; comments?: string },
  outer?: Executor,
): Promise<Assignment> {
  const run = async (tx: Executor): Promise<Assignment> => {
    const [agent] = await tx
      .select()
      .from(agents)
      .where(and(eq(agents.orgId, orgId), eq(agents.id, agentId)))
      .for("update");
    if (!agent) throw notFound("Agent");
    let newPlan: Plan | null = null;
    if (planId) {
      const [p] = await tx.select().from(plans).where(eq(plans.id, planId));
      if (!p)
        throw new AppError("validation_error", `plan_id: no plan with id ${planId}`, [
          { field: "plan_id", message: "no such plan" },
        ]);
      if (!p.active)
        throw new AppError(
          "validation_error",
          `plan_id: plan ${p.code} v${p.version} is not for sale; assign its newest version`,
          [{ field: "plan_id", message: "not active" }],
        );
      newPlan = p;
    }
    const previousPlan = agent.planId
      ? ((await tx.select().from(plans).where(eq(plans.id, agent.planId)))[0] ?? null)
      : null;
    if ((previousPlan?.id ?? null) === (newPlan?.id ?? null)) {
      const [current] = await tx
        .select({ id: agentPlanHistory.id })
        .from(agentPlanHistory)
        .where(and(eq(agentPlanHistory.agentId, agentId), eq(agentPlanHistory.active, true)));
      return { historyId: current?.id ?? "", action: null, previousPlan, newPlan };
    }
    const action: AgentPlanAction = !newPlan ? "removed" : previousPlan ? "changed" : "assigned";
    await tx
      .update(agentPlanHistory)
      .set({ active: false })
      .where(and(eq(agentPlanHistory.agentId, agentId), eq(agentPlanHistory.active, true)));
    const historyId = newId("aph");
    await tx.insert(agentPlanHistory).values({
      id: historyId,
      orgId,
      agentId,
      action,
      previousPlanId: previousPlan?.id ?? null,
      newPlanId: newPlan?.id ?? null,
      changedBy: opts.actor,
      comments: opts.comments ?? null,
      active: action !== "removed",
    });
    await tx
      .update(agents)
      .set({ planId: newPlan?.id ?? null, updatedAt: new Date() })
      .where(eq(agents.id, agentId));
    return { historyId, action, previousPlan, newPlan };
  };
  return outer ? run(outer) : db.transaction(run);
}
