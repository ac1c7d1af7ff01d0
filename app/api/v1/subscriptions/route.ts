import { actorLabel, isCustomer } from "@/lib/auth/actor";
import { created, route } from "@/lib/http/route";
import { listSubscriptions } from "@/lib/subscriptions/queries";
import { ZSubscriptionCreate, ZSubscriptionList } from "@/lib/subscriptions/schemas";
import { subscriptionJson } from "@/lib/subscriptions/serialize";
import { resolvePlan, subscribe } from "@/lib/subscriptions/subscribe";

export const GET = route({
  path: "/api/v1/subscriptions",
  auth: "any", query: ZSubscriptionList,
  doc: {
    tag: "Subscriptions",
    summary: "Subscriptions (a customer sees its own)",
  },
}, async ({ actor, query }) => {
  const orgId = isCustomer(actor) ? actor.orgId : query.customer_id;
  const rows = await listSubscriptions({ orgId, status: query.status });
  return { data: rows.map((r) => subscriptionJson(r.subscription, r.plan)), next_cursor: null };
});

/** Subscribes a customer without a checkout: free plans and invoiced customers. */
export const POST = route({
  path: "/api/v1/subscriptions",
  auth: "operator", body: ZSubscriptionCreate, customer: "body",
  doc: {
    tag: "Subscriptions",
    summary: "Subscribe a customer to a plan without a checkout",
    description: "For free plans and invoiced customers. The plan's trial applies unless skip_trial is set. `external_id` lets Lago-shaped usage events name the subscription (`external_subscription_id`).",
    responses: { "201": "Created", "400": "Invalid field", "404": "Customer or plan not found", "409": "The customer already has a current subscription, or external_id is taken" },
  },
}, async ({ actor, body, customerId: orgId }) => {
  const plan = body.plan.startsWith("plan_") ? { id: body.plan } : { code: body.plan };
  const sub = await subscribe(orgId, { plan, externalId: body.external_id, actor: actorLabel(actor), skipTrial: body.skip_trial, provider: "manual" });
  return created(subscriptionJson(sub, await resolvePlan({ id: sub.planId })));
});
