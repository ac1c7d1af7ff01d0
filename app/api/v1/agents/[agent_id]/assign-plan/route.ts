import { assignPlan } from "@/lib/agents/assign-plan";
import { ZAssignPlan, ZPlanAssignmentJson } from "@/lib/agents/schemas";
import { agentScope } from "@/lib/agents/scope";
import { planRef } from "@/lib/agents/serialize";
import { actorLabel } from "@/lib/auth/actor";
import { importedPlanId } from "@/lib/catalog/import-plans";
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
      description:
        "Name the plan by Tally's id (`plan_id`), or — as the FlexPrice guide does — by the id of the FlexPrice plan it was imported from (`flexprice_plan_id`; POST /api/v1/plans/import keeps it), which assigns that plan's newest version. `comments` are kept in the pricing history.",
      responses: {
        "200": "{history_id, action, previous_plan, new_plan}",
        "400": "Unknown or archived plan, or no plan imported under that flexprice_plan_id",
        "404": "Agent not found",
      },
    },
  },
  async ({ actor, params, body }) => {
    const orgId = await agentScope(actor, params.agent_id);
    const planId =
      body.flexprice_plan_id !== undefined
        ? await importedPlanId(body.flexprice_plan_id, "flexprice_plan_id")
        : (body.plan_id ?? null);
    const a = await assignPlan(orgId, params.agent_id, planId, {
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
