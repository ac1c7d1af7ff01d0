import "server-only";
import { and, count, eq, inArray, isNull, max, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { calls } from "@/lib/db/schema";
import { roundToMinor } from "@/lib/money";

export type CallStats = {
  calls: number;
  unpriced: number;
  costCents: number;
  currency: string | null;
  lastCallAt: Date | null;
};

/** Per agent: calls, calls without a cost, and the usage cost of its calls (summed exactly, rounded once). */
export async function callStats(orgId: string, agentIds: string[]): Promise<Map<string, CallStats>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db
    .select({
      agentId: calls.agentId,
      calls: count(),
      unpriced: sql<number>`count(*) filter (where ${calls.costCents} is null)`.mapWith(Number),
      // The usage part of each call, summed exactly (fixed charges are billed per agent per period, not per call).
      usageExact: sql<string>`coalesce(sum((select coalesce(sum((l->>'amount')::numeric), 0) from jsonb_array_elements(coalesce(${calls.costLines}, '[]'::jsonb)) l where l->>'type' = 'usage')), 0)::text`,
      currency: sql<string | null>`min(${calls.currency})`,
      lastCallAt: max(calls.startedAt),
    })
    .from(calls)
    .where(and(eq(calls.orgId, orgId), inArray(calls.agentId, agentIds)))
    .groupBy(calls.agentId);
  return new Map(
    rows.map((r) => [
      r.agentId,
      {
        calls: r.calls,
        unpriced: r.unpriced,
        costCents: r.currency ? roundToMinor(r.usageExact, r.currency) : 0,
        currency: r.currency,
        lastCallAt: r.lastCallAt,
      },
    ]),
  );
}

export async function countCallsWithoutCost(): Promise<number> {
  return db.$count(calls, isNull(calls.costCents));
}
