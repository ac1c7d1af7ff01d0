import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { ZPlanSyncReportJson } from "@/lib/catalog/schemas";
import { route } from "@/lib/http/route";

export const POST = route(
  {
    path: "/api/v1/plans/sync",
    auth: "operator",
    doc: {
      tag: "Plans",
      response: ZPlanSyncReportJson,
      summary: "Sync all plans from Stripe products and prices",
      description:
        "Each recurring monthly or yearly price becomes a plan, upserted by Stripe price id; a new price on the same product and interval is a new version; archived prices take their plan off sale. Product metadata `tally_tier`, `tally_plan_code`, `included_credits` and `trial_days` are read. Running it again changes nothing.",
      responses: {
        "200": "{synced_count, plan_ids, created, updated, versioned, unchanged, archived, skipped}",
        "503": "Stripe not configured or unreachable",
      },
    },
  },
  async () => syncAllPlansFromStripe(),
);
