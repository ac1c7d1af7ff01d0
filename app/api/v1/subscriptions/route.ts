import { actorLabel, isCustomer, scopeOrg } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentReply } from "@/lib/idempotency/reply";
import { listSubscriptions } from "@/lib/subscriptions/queries";
import { ZSubscriptionCreate, ZSubscriptionList } from "@/lib/subscriptions/schemas";
import { subscriptionJson } from "@/lib/subscriptions/serialize";
import { resolvePlan, subscribe } from "@/lib/subscriptions/subscribe";

export const GET = route({ auth: "any", query: ZSubscriptionList }, async ({ actor, query }) => {
  // A customer may name itself only; naming another is a 403, as on every other list.
  const orgId = isCustomer(actor) ? await scopeOrg(actor, { customerId: query.customer_id }) : query.customer_id;
  const rows = await listSubscriptions({ orgId, status: query.status });
  return { data: rows.map((r) => subscriptionJson(r.subscription, r.plan)), next_cursor: null };
});

/** Subscribes a customer without a checkout: free plans and invoiced customers. An Idempotency-Key replays the first answer. */
export const POST = route({ auth: "operator", body: ZSubscriptionCreate }, async ({ actor, body, req }) => {
  const orgId = await scopeOrg(actor, { customerId: body.customer_id, externalCustomerId: body.external_customer_id });
  const plan = body.plan.startsWith("plan_") ? { id: body.plan } : { code: body.plan };
  return idempotentReply(req, { orgId, scope: "subscriptions.create", request: body }, async () => {
    const sub = await subscribe(orgId, { plan, externalId: body.external_id, actor: actorLabel(actor), skipTrial: body.skip_trial, provider: "manual" });
    return { status: 201, body: subscriptionJson(sub, await resolvePlan({ id: sub.planId })) };
  });
});
