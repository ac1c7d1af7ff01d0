import type { Agent, Call, Plan } from "@/lib/db/schema";
import { dec, minorToDecimal } from "@/lib/money";
import { callCostSplitJson } from "./call-cost-split";
import type { AgentJson, CallJson } from "./schemas";

export const planRef = (p: Pick<Plan, "id" | "code" | "name" | "version"> | null) =>
  p ? { id: p.id, code: p.code, name: p.name, version: p.version } : null;

export function agentJson(agent: Agent, plan: Plan | null): AgentJson {
  return {
    id: agent.id,
    object: "agent",
    customer_id: agent.orgId,
    name: agent.name,
    description: agent.description,
    external_id: agent.externalId,
    current_plan: planRef(plan),
    created_at: agent.createdAt.toISOString(),
  };
}

export function callJson(c: Call): CallJson {
  return {
    id: c.id,
    object: "call",
    customer_id: c.orgId,
    agent_id: c.agentId,
    plan_id: c.planId,
    external_id: c.externalId,
    status: c.status,
    started_at: c.startedAt.toISOString(),
    ended_at: c.endedAt?.toISOString() ?? null,
    usage_metrics: c.usageMetrics,
    cost: c.costCents !== null && c.currency ? minorToDecimal(c.costCents, c.currency) : null,
    cost_exact: c.costExact !== null ? dec(c.costExact).toFixed() : null,
    cost_cents: c.costCents,
    ...callCostSplitJson(c.costLines, c.currency),
    currency: c.currency,
    usage_recorded: c.usageRecorded,
    finalized_at: c.finalizedAt?.toISOString() ?? null,
  };
}
