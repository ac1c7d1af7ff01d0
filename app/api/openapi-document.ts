// The served OpenAPI document (/api/v1/openapi.json, and /docs): built once from the declarations
// of every route module that app/api/routes.gen.ts lists.
import { buildOpenApi, operationsOf } from "@/lib/http/openapi";
import { apiRoutes } from "./routes.gen";

let document: ReturnType<typeof buildOpenApi> | undefined;

export function openApiDocument() {
  return (document ??= buildOpenApi(operationsOf(apiRoutes.map((r) => r.module)), "1.0.0"));
}
