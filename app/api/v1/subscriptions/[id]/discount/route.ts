import { removeSubscriptionDiscount } from "@/lib/coupons/redeem";
import { actorLabel } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { findSubscription } from "@/lib/subscriptions/queries";
import { ZSubscriptionJson } from "@/lib/subscriptions/schemas";
import { subscriptionJson } from "@/lib/subscriptions/serialize";

/** `{id}` is Tally's id or the subscription's external_id. */
export const DELETE = route(
  {
    path: "/api/v1/subscriptions/{id}/discount",
    auth: "operator",
    params: ZIdParams,
    doc: {
      response: ZSubscriptionJson,
      tag: "Coupons",
      summary: "Remove a subscription's discount",
      description:
        "The subscription's coupon stops now: invoices issued from now on are full price, and the subscription history records the removal. On Stripe, the Stripe subscription's discount is deleted first. Removing when there is none changes nothing.",
      responses: { "200": "OK", "404": "Not found", "503": "Stripe unavailable" },
    },
  },
  async ({ params, actor }) => {
    const found = await findSubscription(params.id, null);
    if (!found) throw notFound("Subscription");
    const r = await removeSubscriptionDiscount(found.subscription.id, actorLabel(actor));
    return subscriptionJson(r.sub, r.plan);
  },
);
