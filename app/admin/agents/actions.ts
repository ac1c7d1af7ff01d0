"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { agentOrg } from "@/lib/agents/agents";
import { assignPlan } from "@/lib/agents/assign-plan";
import { formAction } from "@/lib/http/action";

export const assignPlanAction = formAction(
  z.object({ agent_id: z.string().min(1), plan_id: z.string(), comments: z.string().trim().max(2000).optional() }),
  async ({ agent_id, plan_id, comments }, admin) => {
    const orgId = await agentOrg(agent_id);
    const a = await assignPlan(orgId, agent_id, plan_id || null, {
      actor: `user:${admin.id}`,
      comments: comments || undefined,
    });
    revalidatePath(`/admin/agents/${agent_id}`);
    return { action: a.action };
  },
  { auth: "admin", message: (r) => (r.action ? `Plan ${r.action}.` : "That is already the agent's plan.") },
);
