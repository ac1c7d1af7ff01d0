import { assignPlan } from "@/lib/agents/assign-plan";
import { ZAssignPlan, ZPlanAssignmentJson } from "@/lib/agents/schemas";
import { agentScope } from "@/lib/agents/scope";
import { planRef } from "@/lib/agents/serialize";
import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { z } from "zod";

/** Operators set an agent's price plan; every change is kept in the pricing history. */
export const POST = route(
  {
    path: "/api/v1/agents/{agent_id}/assign-plan",
    auth: "operator",
    params: z.object({ agent_id: z.string() }),
    body: ZAssignPlan,
    doc: {
      response: ZPlanAssignmentJson,
      tag: "Agents and calls",
      summary: "Assign, change or remove (plan_id null) an agent's plan",
      responses: {
        "200": "{history_id, action, previous_plan, new_plan}",
        "400": "Unknown or archived plan",
        "404": "Agent not found",
      },
    },
  },
  async ({ actor, params, body }) => {
    const orgId = await agentScope(actor, params.agent_id);
    const a = await assignPlan(orgId, params.agent_id, body.plan_id, {
      actor: actorLabel(actor),
      comments: body.comments,
    });
    return {
      history_id: a.historyId,
      action: a.action ?? "unchanged",
      previous_plan: planRef(a.previousPlan),
      new_plan: planRef(a.newPlan),
    };
  },
);
