// Every documented operation of the API, from each domain's api-doc.ts.
import { buildOpenApi, type Operation } from "@/lib/http/openapi";
import { creditOperations } from "@/lib/credits/api-doc";
import { customerOperations } from "@/lib/orgs/api-doc";
import { opsOperations } from "@/lib/ops/api-doc";

export const operations: Operation[] = [...customerOperations, ...opsOperations, ...creditOperations];

export function openApiDocument() {
  return buildOpenApi(operations, "1.0.0");
}
