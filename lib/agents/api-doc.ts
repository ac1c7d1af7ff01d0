import type { Operation } from "@/lib/http/openapi";
import { ZAgentCreate, ZAgentList, ZAssignPlan, ZCallList, ZCallStart, ZFinalizeCost, ZHistoryQuery } from "./schemas";

export const agentOperations: Operation[] = [
  { method: "get", path: "/api/v1/agents", tag: "Agents and calls", auth: "any", summary: "A customer's agents", query: ZAgentList },
  { method: "post", path: "/api/v1/agents", tag: "Agents and calls", auth: "any", summary: "Create an agent (optionally with a plan)", body: ZAgentCreate, responses: { "201": "Created", "400": "Invalid field", "403": "Another customer", "409": "external_id in use" } },
  { method: "get", path: "/api/v1/agents/{agent_id}", tag: "Agents and calls", auth: "any", summary: "An agent with its current plan", responses: { "200": "OK", "404": "Not found" } },
  { method: "post", path: "/api/v1/agents/{agent_id}/assign-plan", tag: "Agents and calls", auth: "operator", summary: "Assign, change or remove (plan_id null) an agent's plan", body: ZAssignPlan, responses: { "200": "{history_id, action, previous_plan, new_plan}", "400": "Unknown or archived plan", "404": "Agent not found" } },
  { method: "get", path: "/api/v1/agents/{agent_id}/pricing-history", tag: "Agents and calls", auth: "any", summary: "An agent's plan changes, newest first", query: ZHistoryQuery },
  { method: "get", path: "/api/v1/calls", tag: "Agents and calls", auth: "any", summary: "Calls of a customer or an agent", query: ZCallList, responses: { "200": "OK", "403": "customer_id names another customer", "404": "Agent not found (or another customer's)" } },
  { method: "post", path: "/api/v1/calls", tag: "Agents and calls", auth: "any", summary: "Start a call under the agent's current plan", description: "The plan in force at the start is the plan billed, even if the agent's plan changes mid-call.", body: ZCallStart, responses: { "201": "Created", "404": "Agent not found", "409": "external_id in use" } },
  { method: "get", path: "/api/v1/calls/{call_id}", tag: "Agents and calls", auth: "any", summary: "A call with its cost", responses: { "200": "OK", "404": "Not found" } },
  {
    method: "post",
    path: "/api/v1/calls/{call_id}/finalize-cost",
    tag: "Agents and calls",
    auth: "any",
    summary: "Price a call's usage and store its cost",
    description: "Rates usage_metrics (meter code → quantity) with the charges of the plan the call started under, fixed charges included; the exact cost is rounded half-up once. With send_usage, each metric is recorded as a usage event keyed `call_id:metric`. Finalizing again with the same metrics answers the first result (header Idempotent-Replayed: true).",
    body: ZFinalizeCost,
    responses: { "200": "{call_id, cost, cost_exact, cost_cents, usage_cost, usage_cost_exact, usage_cost_cents, fixed_charges, fixed_charges_exact, fixed_charges_cents, currency, usage_metrics, lines, usage_recorded}: cost is the call rated with its plan (usage and fixed charges); the invoice bills usage_cost per call and the fixed charges once per agent per period", "404": "Call not found", "409": "Already finalized with different metrics", "422": "The call has no plan, or a metric its plan does not price" },
  },
];
