import { pricingHistory } from "@/lib/agents/pricing-history";
import { ZHistoryQuery, ZPricingHistoryJson } from "@/lib/agents/schemas";
import { agentScope } from "@/lib/agents/scope";
import { planRef } from "@/lib/agents/serialize";
import { route } from "@/lib/http/route";
import { z } from "zod";

export const GET = route(
  {
    path: "/api/v1/agents/{agent_id}/pricing-history",
    auth: "any",
    params: z.object({ agent_id: z.string() }),
    query: ZHistoryQuery,
    doc: {
      response: ZPricingHistoryJson,
      tag: "Agents and calls",
      summary: "An agent's plan changes, newest first",
    },
  },
  async ({ actor, params, query }) => {
    const h = await pricingHistory(await agentScope(actor, params.agent_id), params.agent_id, query.limit);
    return {
      agent_id: h.agent.id,
      current_plan: planRef(h.plan),
      total: h.total,
      history: h.rows.map(({ row, previousPlan, newPlan }) => ({
        id: row.id,
        action: row.action,
        previous_plan: planRef(previousPlan),
        new_plan: planRef(newPlan),
        changed_by: row.changedBy,
        comments: row.comments,
        active: row.active,
        created_at: row.createdAt.toISOString(),
      })),
    };
  },
);
