import type { Operation } from "@/lib/http/openapi";
import { ZSubscriptionCreate, ZSubscriptionList } from "./schemas";

export const subscriptionOperations: Operation[] = [
  { method: "get", path: "/api/v1/subscriptions", tag: "Subscriptions", auth: "any", summary: "Subscriptions (a customer sees its own)", query: ZSubscriptionList, responses: { "200": "OK", "403": "customer_id names another customer" } },
  {
    method: "post",
    path: "/api/v1/subscriptions",
    tag: "Subscriptions",
    auth: "operator",
    summary: "Subscribe a customer to a plan without a checkout",
    description: "For free plans and invoiced customers. The plan's trial applies unless skip_trial is set. `external_id` lets Lago-shaped usage events name the subscription (`external_subscription_id`). Takes an optional Idempotency-Key header: a retry with the same key and body answers the first subscription again.",
    body: ZSubscriptionCreate,
    responses: { "201": "Created", "400": "Invalid field", "404": "Customer or plan not found", "409": "The customer already has a current subscription, or external_id is taken" },
  },
  { method: "get", path: "/api/v1/subscriptions/{id}", tag: "Subscriptions", auth: "any", summary: "A subscription, by id or external_id", responses: { "200": "OK", "404": "Not found (or another customer's)" } },
];
