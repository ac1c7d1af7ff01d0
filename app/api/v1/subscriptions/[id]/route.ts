import { ZSubscriptionJson } from "@/lib/subscriptions/schemas";
import { isCustomer } from "@/lib/auth/actor";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { findSubscription } from "@/lib/subscriptions/queries";
import { subscriptionJson } from "@/lib/subscriptions/serialize";

/** `{id}` is Tally's id or the subscription's external_id. */
export const GET = route(
  {
    path: "/api/v1/subscriptions/{id}",
    auth: "any",
    params: ZIdParams,
    doc: {
      response: ZSubscriptionJson,
      tag: "Subscriptions",
      summary: "A subscription, by id or external_id",
      responses: { "200": "OK", "404": "Not found (or another customer's)" },
    },
  },
  async ({ actor, params }) => {
    const found = await findSubscription(params.id, isCustomer(actor) ? actor.orgId : null);
    if (!found) throw notFound("Subscription");
    return subscriptionJson(found.subscription, found.plan);
  },
);
