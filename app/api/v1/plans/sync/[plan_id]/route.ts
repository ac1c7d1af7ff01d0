import { z } from "zod";
import { syncPlanFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { ZPlanSyncReportJson } from "@/lib/catalog/schemas";
import { route } from "@/lib/http/route";

export const POST = route(
  {
    path: "/api/v1/plans/sync/{plan_id}",
    auth: "operator",
    params: z.object({ plan_id: z.string() }),
    doc: {
      tag: "Plans",
      response: ZPlanSyncReportJson,
      summary: "Sync one Stripe-linked plan",
      responses: {
        "200": "Report",
        "400": "Plan not linked to Stripe",
        "404": "Not found",
        "503": "Stripe unreachable",
      },
    },
  },
  async ({ params }) => syncPlanFromStripe(params.plan_id),
);
