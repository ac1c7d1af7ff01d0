import { getAgent } from "@/lib/agents/agents";
import { agentScope } from "@/lib/agents/scope";
import { agentJson } from "@/lib/agents/serialize";
import { route } from "@/lib/http/route";
import { z } from "zod";

export const GET = route({ auth: "any", params: z.object({ agent_id: z.string() }) }, async ({ actor, params }) => {
  const { agent, plan } = await getAgent(await agentScope(actor, params.agent_id), params.agent_id);
  return agentJson(agent, plan);
});
