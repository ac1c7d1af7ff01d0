import "server-only";
import { isCustomer, type Actor } from "@/lib/auth/actor";
import { agentOrg } from "./agents";
import { callOrg } from "./calls";

/** The organization to read an agent in: a customer's own (another's agent is then a 404), or the agent's for operators. */
export async function agentScope(actor: Actor, agentId: string): Promise<string> {
  return isCustomer(actor) ? actor.orgId : agentOrg(agentId);
}

export async function callScope(actor: Actor, callId: string): Promise<string> {
  return isCustomer(actor) ? actor.orgId : callOrg(callId);
}
