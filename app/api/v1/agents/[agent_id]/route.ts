import { ZAgentJson } from "@/lib/agents/schemas";
import { getAgent } from "@/lib/agents/agents";
import { agentScope } from "@/lib/agents/scope";
import { agentJson } from "@/lib/agents/serialize";
import { route } from "@/lib/http/route";
import { z } from "zod";

export const GET = route(
  {
    path: "/api/v1/agents/{agent_id}",
    auth: "any",
    params: z.object({ agent_id: z.string() }),
    doc: {
      response: ZAgentJson,
      tag: "Agents and calls",
      summary: "An agent with its current plan",
      responses: { "200": "OK", "404": "Not found" },
    },
  },
  async ({ actor, params }) => {
    const { agent, plan } = await getAgent(await agentScope(actor, params.agent_id), params.agent_id);
    return agentJson(agent, plan);
  },
);
