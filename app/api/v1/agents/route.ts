import { createAgent, listAgents } from "@/lib/agents/agents";
import { ZAgentCreate, ZAgentJson, ZAgentList, ZAgentPage } from "@/lib/agents/schemas";
import { agentJson } from "@/lib/agents/serialize";
import { actorLabel } from "@/lib/auth/actor";
import { created, route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/agents",
    auth: "any",
    query: ZAgentList,
    customer: "query",
    doc: {
      response: ZAgentPage,
      tag: "Agents and calls",
      summary: "A customer's agents",
    },
  },
  async ({ query, customerId: orgId }) => {
    const rows = await listAgents(orgId, { withoutPlan: query.without_plan === "true" });
    return { data: rows.map((r) => agentJson(r.agent, r.plan)), next_cursor: null };
  },
);

export const POST = route(
  {
    path: "/api/v1/agents",
    auth: "any",
    body: ZAgentCreate,
    customer: "body",
    doc: {
      response: ZAgentJson,
      tag: "Agents and calls",
      summary: "Create an agent (optionally with a plan)",
      responses: { "201": "Created", "400": "Invalid field", "403": "Another customer", "409": "external_id in use" },
    },
  },
  async ({ actor, body, customerId: orgId }) => {
    const { agent, plan } = await createAgent(
      orgId,
      { name: body.name, description: body.description, externalId: body.external_id, planId: body.plan_id },
      actorLabel(actor),
    );
    return created(agentJson(agent, plan));
  },
);
