// Every documented operation of the API, from each domain's api-doc.ts.
import { buildOpenApi, type Operation } from "@/lib/http/openapi";
import { customerOperations } from "@/lib/orgs/api-doc";
import { opsOperations } from "@/lib/ops/api-doc";
import { meteringOperations } from "@/lib/metering/api-doc";
import { alertOperations } from "@/lib/alerts/api-doc";

export const operations: Operation[] = [...customerOperations, ...opsOperations, ...meteringOperations, ...alertOperations];

export function openApiDocument() {
  return buildOpenApi(operations, "1.0.0");
}
