import { finalizeCallCost } from "@/lib/agents/finalize-call-cost";
import { ZFinalizeCost } from "@/lib/agents/schemas";
import { isCustomer } from "@/lib/auth/actor";
import { json, route } from "@/lib/http/route";
import { z } from "zod";

/** Idempotent by call: the same metrics again answer the first result; different metrics are a 409. */
export const POST = route({ auth: "any", params: z.object({ call_id: z.string() }), body: ZFinalizeCost }, async ({ actor, params, body }) => {
  // A customer's own calls only (another's is a 404); operators any customer's.
  const { replayed, ...result } = await finalizeCallCost(isCustomer(actor) ? actor.orgId : null, params.call_id, { usageMetrics: body.usage_metrics, sendUsage: body.send_usage, endedAt: body.ended_at ? new Date(body.ended_at) : undefined });
  return json(result, 200, replayed ? { "Idempotent-Replayed": "true" } : undefined);
});
