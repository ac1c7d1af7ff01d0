import { actorLabel, isCustomer, scopeCustomer } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { listSubscriptions } from "@/lib/subscriptions/queries";
import {
  ZSubscriptionCreate,
  ZSubscriptionJson,
  ZSubscriptionList,
  ZSubscriptionPage,
} from "@/lib/subscriptions/schemas";
import { subscriptionJson } from "@/lib/subscriptions/serialize";
import { resolvePlan, subscribe } from "@/lib/subscriptions/subscribe";

export const GET = route(
  {
    path: "/api/v1/subscriptions",
    auth: "any",
    query: ZSubscriptionList,
    doc: {
      response: ZSubscriptionPage,
      tag: "Subscriptions",
      summary: "Subscriptions (a customer sees its own)",
      responses: { "200": "OK", "403": "customer_id names another customer" },
    },
  },
  async ({ actor, query }) => {
    // A customer may name itself only; naming another is a 403, as on every other list. An operator's list needs no customer, so no `customer: "query"`.
    const orgId = isCustomer(actor) ? await scopeCustomer(actor, query) : query.customer_id;
    const rows = await listSubscriptions({ orgId, status: query.status });
    return { data: rows.map((r) => subscriptionJson(r.subscription, r.plan)), next_cursor: null };
  },
);

/** Subscribes a customer without a checkout: free plans and invoiced customers. An Idempotency-Key replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/subscriptions",
    auth: "operator",
    body: ZSubscriptionCreate,
    customer: "body",
    idempotent: "optional-key",
    doc: {
      response: ZSubscriptionJson,
      tag: "Subscriptions",
      summary: "Subscribe a customer to a plan without a checkout",
      description:
        "For free plans and invoiced customers. The plan's trial applies unless skip_trial is set. `external_id` lets Lago-shaped usage events name the subscription (`external_subscription_id`). Takes an optional Idempotency-Key header: a retry with the same key and body answers the first subscription again.",
      responses: {
        "201": "Created",
        "400": "Invalid field",
        "404": "Customer or plan not found",
        "409": "The customer already has a current subscription, or external_id is taken",
      },
    },
  },
  async ({ actor, body, customerId: orgId, idempotencyKey: key }) => {
    const plan = body.plan.startsWith("plan_") ? { id: body.plan } : { code: body.plan };
    return idempotentCall(key ? { orgId, scope: "subscriptions.create", key, request: body } : null, async () => {
      const sub = await subscribe(orgId, {
        plan,
        externalId: body.external_id,
        actor: actorLabel(actor),
        skipTrial: body.skip_trial,
        provider: "manual",
      });
      return { status: 201, body: subscriptionJson(sub, await resolvePlan({ id: sub.planId })) };
    });
  },
);
