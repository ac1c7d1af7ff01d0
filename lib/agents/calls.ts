// Calls: started under the agent's plan of the moment (a snapshot), finalized once with a cost.
import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { agents, calls, organizations, plans, type Call } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/db/errors";

export async function startCall(
  orgId: string,
  input: { agentId: string; externalId?: string; startedAt?: Date },
): Promise<Call> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ agent: agents, plan: plans })
      .from(agents)
      .leftJoin(plans, eq(plans.id, agents.planId))
      .where(and(eq(agents.orgId, orgId), eq(agents.id, input.agentId)));
    if (!row) throw notFound("Agent");
    try {
      const [call] = await tx
        .insert(calls)
        .values({
          id: newId("call"),
          orgId,
          agentId: row.agent.id,
          planId: row.plan?.id ?? null,
          charges: row.plan?.charges ?? null,
          currency: row.plan?.currency ?? null,
          externalId: input.externalId ?? null,
          startedAt: input.startedAt ?? new Date(),
        })
        .returning();
      return call!;
    } catch (e) {
      if (isUniqueViolation(e))
        throw conflict(`A call with external_id "${input.externalId}" already exists.`, [
          { field: "external_id", message: "already in use" },
        ]);
      throw e;
    }
  });
}

export async function getCall(orgId: string, callId: string): Promise<Call> {
  const [c] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.orgId, orgId), sql`(${calls.id} = ${callId} or ${calls.externalId} = ${callId})`));
  if (!c) throw notFound("Call");
  return c;
}

export async function callOrg(callId: string): Promise<string> {
  const [c] = await db.select({ orgId: calls.orgId }).from(calls).where(eq(calls.id, callId));
  if (!c) throw notFound("Call");
  return c.orgId;
}

/** An agent named as a filter must be the organization's own: another's (or none) is a 404, as when it is read. */
export async function listCalls(
  orgId: string,
  opts: { agentId?: string; unpriced?: boolean; limit: number },
): Promise<(Call & { planName: string | null; planVersion: number | null })[]> {
  if (opts.agentId) {
    const [agent] = await db
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.orgId, orgId), eq(agents.id, opts.agentId)));
    if (!agent) throw notFound("Agent");
  }
  const rows = await db
    .select({ call: calls, planName: plans.name, planVersion: plans.version })
    .from(calls)
    .leftJoin(plans, eq(plans.id, calls.planId))
    .where(
      and(
        eq(calls.orgId, orgId),
        opts.agentId ? eq(calls.agentId, opts.agentId) : undefined,
        opts.unpriced ? isNull(calls.costCents) : undefined,
      ),
    )
    .orderBy(desc(calls.startedAt))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.call, planName: r.planName, planVersion: r.planVersion }));
}

/** Admin monitoring: calls that have no cost yet, across customers, oldest first after an hour. */
export async function callsWithoutCost(limit = 100) {
  return db
    .select({
      id: calls.id,
      orgId: calls.orgId,
      orgName: organizations.name,
      agentId: calls.agentId,
      agentName: agents.name,
      planId: calls.planId,
      startedAt: calls.startedAt,
    })
    .from(calls)
    .innerJoin(organizations, eq(organizations.id, calls.orgId))
    .innerJoin(agents, eq(agents.id, calls.agentId))
    .where(isNull(calls.costCents))
    .orderBy(calls.startedAt)
    .limit(limit);
}
