import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { route } from "@/lib/http/route";

export const POST = route({ auth: "operator" }, async () => syncAllPlansFromStripe());
