import { createAgent, listAgents } from "@/lib/agents/agents";
import { ZAgentCreate, ZAgentList } from "@/lib/agents/schemas";
import { agentJson } from "@/lib/agents/serialize";
import { actorLabel, scopeOrg } from "@/lib/auth/actor";
import { created, route } from "@/lib/http/route";

export const GET = route({ auth: "any", query: ZAgentList }, async ({ actor, query }) => {
  const orgId = await scopeOrg(actor, { customerId: query.customer_id });
  const rows = await listAgents(orgId, { withoutPlan: query.without_plan === "true" });
  return { data: rows.map((r) => agentJson(r.agent, r.plan)), next_cursor: null };
});

export const POST = route({ auth: "any", body: ZAgentCreate }, async ({ actor, body }) => {
  const orgId = await scopeOrg(actor, { customerId: body.customer_id, externalCustomerId: body.external_customer_id });
  const { agent, plan } = await createAgent(orgId, { name: body.name, description: body.description, externalId: body.external_id, planId: body.plan_id }, actorLabel(actor));
  return created(agentJson(agent, plan));
});
