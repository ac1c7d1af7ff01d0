import { listCalls, startCall } from "@/lib/agents/calls";
import { ZCallJson, ZCallList, ZCallPage, ZCallStart } from "@/lib/agents/schemas";
import { agentScope } from "@/lib/agents/scope";
import { callJson } from "@/lib/agents/serialize";
import { scopeCustomer } from "@/lib/auth/actor";
import { created, route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/calls",
    auth: "any",
    query: ZCallList,
    doc: {
      response: ZCallPage,
      tag: "Agents and calls",
      summary: "Calls of a customer or an agent",
      responses: {
        "200": "OK",
        "403": "customer_id names another customer",
        "404": "Agent not found (or another customer's)",
      },
    },
  },
  async ({ actor, query }) => {
    const orgId =
      query.agent_id && !query.customer_id
        ? await agentScope(actor, query.agent_id)
        : await scopeCustomer(actor, { customer_id: query.customer_id });
    const rows = await listCalls(orgId, {
      agentId: query.agent_id,
      unpriced: query.unpriced === "true",
      limit: query.limit,
    });
    return { data: rows.map(callJson), next_cursor: null };
  },
);

/** Starts a call under the agent's current plan (a snapshot: later plan changes do not reprice it). */
export const POST = route(
  {
    path: "/api/v1/calls",
    auth: "any",
    body: ZCallStart,
    doc: {
      response: ZCallJson,
      tag: "Agents and calls",
      summary: "Start a call under the agent's current plan",
      description: "The plan in force at the start is the plan billed, even if the agent's plan changes mid-call.",
      responses: { "201": "Created", "404": "Agent not found", "409": "external_id in use" },
    },
  },
  async ({ actor, body }) => {
    const orgId = await agentScope(actor, body.agent_id);
    return created(
      callJson(
        await startCall(orgId, {
          agentId: body.agent_id,
          externalId: body.external_id,
          startedAt: body.started_at ? new Date(body.started_at) : undefined,
        }),
      ),
    );
  },
);
