import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { ZSimulationJson, ZSimulationRequest } from "@/lib/simulation/schemas";
import { simulatePlan } from "@/lib/simulation/simulate-plan";

export const POST = route(
  {
    path: "/api/v1/plans/{id}/simulate",
    auth: "operator",
    params: ZIdParams,
    body: ZSimulationRequest,
    doc: {
      tag: "Plans",
      response: ZSimulationJson,
      summary: "Rate a plan against its future customers' real usage of the last months, next to today's prices",
      description:
        "Each live subscriber of the plan's earlier versions (or, with `compare_to`, of any version of that plan) is rated for each complete calendar month (UTC) of the window they were subscribed for in full: the month's plan fee and usage from the rollups, under the terms they have today and under this plan's, each usage line rounded once as on an invoice. Coupons, tax, trials, usage drawn from credits, credit overage and agent calls are left out. Changes nothing, so it takes no Idempotency-Key.",
      responses: { "200": "OK", "400": "Invalid field", "404": "Not found" },
    },
  },
  async ({ params, body }) => simulatePlan(params.id, body),
);
