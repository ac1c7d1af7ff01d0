// What the agent pages show, loaded in one place for the customer's and the admin's page.
import "server-only";
import { describeActors } from "@/lib/auth/describe-actors";
import { listAgents } from "./agents";
import { listCalls } from "./calls";
import { pricingHistory } from "./pricing-history";
import { callStats } from "./stats";

export async function agentsOverview(orgId: string) {
  const agents = await listAgents(orgId);
  const stats = await callStats(
    orgId,
    agents.map((a) => a.agent.id),
  );
  return agents.map(({ agent, plan }) => {
    const s = stats.get(agent.id);
    return {
      id: agent.id,
      name: agent.name,
      description: agent.description,
      plan: plan ? { name: plan.name, version: plan.version } : null,
      calls: s?.calls ?? 0,
      unpriced: s?.unpriced ?? 0,
      costCents: s?.costCents ?? 0,
      currency: s?.currency ?? plan?.currency ?? null,
      lastCallAt: s?.lastCallAt ?? null,
    };
  });
}

export async function agentDetail(orgId: string, agentId: string) {
  const [history, calls] = await Promise.all([
    pricingHistory(orgId, agentId, 50),
    listCalls(orgId, { agentId, limit: 50 }),
  ]);
  const label = (p: { name: string; version: number } | null) => (p ? `${p.name} v${p.version}` : null);
  const who = await describeActors(history.rows.map((r) => r.row.changedBy));
  return {
    agent: history.agent,
    plan: history.plan,
    total: history.total,
    history: history.rows.map(({ row, previousPlan, newPlan }) => ({
      id: row.id,
      action: row.action,
      previousPlan: label(previousPlan),
      newPlan: label(newPlan),
      changedBy: who.get(row.changedBy) ?? row.changedBy,
      comments: row.comments,
      active: row.active,
      createdAt: row.createdAt,
    })),
    calls,
  };
}
