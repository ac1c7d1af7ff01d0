import { finalizeCallCost } from "@/lib/agents/finalize-call-cost";
import { ZFinalizeCost, ZFinalizedCallJson } from "@/lib/agents/schemas";
import { isCustomer } from "@/lib/auth/actor";
import { json, route } from "@/lib/http/route";
import { z } from "zod";

/** Idempotent by call: the same metrics again answer the first result; different metrics are a 409. */
export const POST = route(
  {
    path: "/api/v1/calls/{call_id}/finalize-cost",
    auth: "any",
    params: z.object({ call_id: z.string() }),
    body: ZFinalizeCost,
    fast: true,
    doc: {
      tag: "Agents and calls",
      response: ZFinalizedCallJson,
      summary: "Price a call's usage and store its cost",
      description:
        "Rates usage_metrics (meter code → quantity) with the charges of the plan the call started under, fixed charges included; the exact cost is rounded half-up once. With send_usage, each metric is recorded as a usage event keyed `call_id:metric`. Finalizing again with the same metrics answers the first result (header Idempotent-Replayed: true).",
      responses: {
        "200":
          "{call_id, cost, cost_exact, cost_cents, usage_cost, usage_cost_exact, usage_cost_cents, fixed_charges, fixed_charges_exact, fixed_charges_cents, currency, usage_metrics, lines, usage_recorded}: cost is the call rated with its plan (usage and fixed charges); the invoice bills usage_cost per call and the fixed charges once per agent per period",
        "404": "Call not found",
        "409": "Already finalized with different metrics",
        "422": "The call has no plan, or a metric its plan does not price",
      },
    },
  },
  async ({ actor, params, body }) => {
    // A customer's own calls only (another's is a 404); operators any customer's.
    const { replayed, ...result } = await finalizeCallCost(isCustomer(actor) ? actor.orgId : null, params.call_id, {
      usageMetrics: body.usage_metrics,
      sendUsage: body.send_usage,
      endedAt: body.ended_at ? new Date(body.ended_at) : undefined,
    });
    return json(result, 200, replayed ? { "Idempotent-Replayed": "true" } : undefined);
  },
);
