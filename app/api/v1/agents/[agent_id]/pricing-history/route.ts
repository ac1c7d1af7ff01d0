import { pricingHistory } from "@/lib/agents/pricing-history";
import { ZHistoryQuery, ZPricingHistoryJson } from "@/lib/agents/schemas";
import { agentScope } from "@/lib/agents/scope";
import { planRef } from "@/lib/agents/serialize";
import { userIdOf } from "@/lib/auth/actor";
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
      description:
        "Each change carries the plans as objects (`previous_plan`, `new_plan`) and, as the FlexPrice guide names them, their ids (`previous_pricing_id`, `pricing_id`), `is_active` and `changed_by_user_id` (the user's id — Tally's user ids are strings — or null when an API key made the change).",
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
        pricing_id: row.newPlanId,
        previous_pricing_id: row.previousPlanId,
        changed_by_user_id: userIdOf(row.changedBy),
        is_active: row.active,
      })),
    };
  },
);
