import { z } from "zod";
import { syncPlanFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { route } from "@/lib/http/route";

export const POST = route({ auth: "operator", params: z.object({ plan_id: z.string() }) }, async ({ params }) => syncPlanFromStripe(params.plan_id));
