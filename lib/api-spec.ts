// Every documented operation of the API, from each domain's api-doc.ts.
import { buildOpenApi, type Operation } from "@/lib/http/openapi";
import { agentOperations } from "@/lib/agents/api-doc";
import { alertOperations } from "@/lib/alerts/api-doc";
import { catalogOperations } from "@/lib/catalog/api-doc";
import { creditOperations } from "@/lib/credits/api-doc";
import { meteringOperations } from "@/lib/metering/api-doc";
import { customerOperations } from "@/lib/orgs/api-doc";
import { opsOperations } from "@/lib/ops/api-doc";
import { adminWebhookOperations, billingOperations } from "@/lib/payments/api-doc";
import { subscriptionOperations } from "@/lib/subscriptions/api-doc";
import { revenueOperations } from "@/lib/revenue/api-doc";

export const operations: Operation[] = [
  ...customerOperations,
  ...catalogOperations,
  ...subscriptionOperations,
  ...meteringOperations,
  ...alertOperations,
  ...agentOperations,
  ...creditOperations,
  ...billingOperations,
  ...adminWebhookOperations,
  ...revenueOperations,
  ...opsOperations,
];

export function openApiDocument() {
  return buildOpenApi(operations, "1.0.0");
}
