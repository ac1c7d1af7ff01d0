import { route } from "@/lib/http/route";
import { billingSubscription, subscriptionSummaryJson } from "@/lib/payments/billing-queries";

export const GET = route({ auth: "customer" }, async ({ actor }) => subscriptionSummaryJson(await billingSubscription(actor.orgId)));
