// Every documented operation, read from the route declarations the OpenAPI document is built from
// (app/api/routes.gen.ts, lib/http/openapi.ts): the authorization matrix and the fuzzer try exactly
// what the document lists.
import { apiRoutes } from "@/app/api/routes.gen";
import { documented, operationsOf, type DocumentedOperation } from "@/lib/http/openapi";

export type Operation = DocumentedOperation;

export const operations: Operation[] = operationsOf(apiRoutes.map((r) => r.module)).flatMap(
  (op) => documented(op) ?? [],
);
