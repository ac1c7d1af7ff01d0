// The OpenAPI document, generated from the same zod schemas the routes validate with. Each domain
// lists its operations in an api-doc.ts; a test checks every route file is listed.
import { z } from "zod";
import type { AuthRule } from "./route";

export type Operation = {
  method: "get" | "post" | "patch" | "put" | "delete";
  path: string;
  summary: string;
  tag: string;
  auth: AuthRule;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Status → description; 200 (or 201/202) and the error codes the operation answers. */
  responses?: Record<string, string>;
  description?: string;
};

const schemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "openapi-3.0" });

const SECURITY: Record<AuthRule, unknown[]> = {
  public: [],
  any: [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }],
  operator: [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }],
  customer: [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }],
};

const AUTH_NOTE: Record<AuthRule, string> = {
  public: "No authentication.",
  any: "A session or an API key (platform keys name the customer).",
  operator: "An admin session or a platform API key.",
  customer: "A customer's session or customer API key.",
};

export function buildOpenApi(operations: Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = op.query ? schemaOf(op.query) : undefined;
    const queryParams = query && typeof query === "object" && "properties" in query
      ? Object.entries((query as { properties: Record<string, unknown>; required?: string[] }).properties).map(([name, schema]) => ({
          name,
          in: "query",
          required: ((query as { required?: string[] }).required ?? []).includes(name) && !(schema as { default?: unknown }).default,
          schema,
        }))
      : [];
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(op.responses ?? { "200": "OK" })) {
      responses[status] = Number(status) >= 400 ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } : { description };
    }
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      description: [op.description, AUTH_NOTE[op.auth]].filter(Boolean).join("\n\n"),
      tags: [op.tag],
      security: SECURITY[op.auth],
      parameters: [...params, ...queryParams],
      ...(op.body && { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body) } } } }),
      responses,
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Tally API",
      version,
      description: "Usage-based billing: metering, pricing, credits and subscriptions. JSON in and out, snake_case fields; decimal amounts as strings, minor units as integers named *_cents.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API key: Authorization: Bearer tly_live_…" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "x-api-key" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token" },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", example: "validation_error" },
                message: { type: "string" },
                details: {},
                request_id: { type: "string" },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
