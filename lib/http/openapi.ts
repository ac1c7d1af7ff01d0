// The OpenAPI document, built from the routes' own declarations (lib/http/declaration.ts): the same
// zod schemas the routes validate with. app/api/routes.gen.ts lists every route module.
import { z } from "zod";
import { neededPermission, type ApiKeyPermission } from "@/lib/auth/key-permissions";
import { declaredIn, type ApiDoc, type AuthRule, type Declaration } from "./declaration";

type Operation = { method: string; declaration: Declaration };

/** The order of the document's sections (and of /docs), first to last; a new tag goes last. */
const TAG_ORDER = [
  "Customers",
  "Catalog",
  "Plans",
  "Subscriptions",
  "Usage events",
  "Usage",
  "Alerts",
  "Agents and calls",
  "Credits",
  "Billing",
  "Admin",
  "Operations",
];

/** The JSON schema the document shows for a zod schema (what a caller sends: `io: "input"`). */
export const schemaOf = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "openapi-3.0" });

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

/** Every documented operation of the route modules: by section, then by path (a collection before its items). */
export function operationsOf(modules: Record<string, unknown>[]): Operation[] {
  const ops = modules.flatMap((m) =>
    declaredIn(m).map(({ method, handler }) => ({ method: method.toLowerCase(), declaration: handler.declaration })),
  );
  const rank = (op: Operation) => {
    const i = op.declaration.doc ? TAG_ORDER.indexOf(op.declaration.doc.tag) : -1;
    return i < 0 ? TAG_ORDER.length : i;
  };
  return ops
    .filter((op) => op.declaration.doc)
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.declaration.path < b.declaration.path ? -1 : a.declaration.path > b.declaration.path ? 1 : 0),
    );
}

/** An operation as the document shows it: its doc entry with path, auth, and the body and query it documents. */
export type DocumentedOperation = ApiDoc & {
  method: string;
  path: string;
  auth: AuthRule;
  /** The API-key permission it needs (lib/auth/key-permissions.ts). */
  permission: ApiKeyPermission;
  /** Further paths serving the same handler. */
  aliases: string[];
};

/** What every operation an API key can call may answer (route() counts each key's requests: lib/rate-limits/). */
export const RATE_LIMITED_RESPONSE =
  "rate_limited: the API key is over its rate limit (requests a second and burst, set per key on its keys page); wait `Retry-After` seconds and retry";

const RATE_LIMIT_HEADERS = {
  "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } },
  "RateLimit-Limit": { description: "The key's requests a second.", schema: { type: "integer" } },
  "RateLimit-Policy": { description: "`<per second>;w=1;burst=<burst>`.", schema: { type: "string" } },
  "RateLimit-Remaining": {
    description: "Requests that may go now (an estimate across replicas).",
    schema: { type: "integer" },
  },
  "RateLimit-Reset": { description: "Seconds until the key's bucket is full again.", schema: { type: "integer" } },
};

/** The document's view of a declared operation (the authorization matrix and the fuzzer read the same). */
export function documented({ method, declaration }: Operation): DocumentedOperation | null {
  if (!declaration.doc) return null;
  const responses =
    declaration.auth === "public"
      ? declaration.doc.responses
      : { ...(declaration.doc.responses ?? { "200": "OK" }), "429": RATE_LIMITED_RESPONSE };
  return {
    ...declaration.doc,
    responses,
    method,
    path: declaration.path,
    aliases: declaration.aliases ?? [],
    auth: declaration.auth,
    permission: neededPermission(method.toUpperCase(), declaration.permission),
    body: declaration.doc.body ?? declaration.body,
    query: declaration.doc.query ?? declaration.query,
  };
}

export function buildOpenApi(operations: Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, ...op } of operations.flatMap((o) => documented(o) ?? [])) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = op.query ? schemaOf(op.query) : undefined;
    const queryParams =
      query && typeof query === "object" && "properties" in query
        ? Object.entries((query as { properties: Record<string, unknown>; required?: string[] }).properties).map(
            ([name, schema]) => ({
              name,
              in: "query",
              required:
                ((query as { required?: string[] }).required ?? []).includes(name) &&
                !(schema as { default?: unknown }).default,
              schema,
            }),
          )
        : [];
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(op.responses ?? { "200": "OK" })) {
      if (Number(status) >= 400)
        responses[status] = {
          description,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          ...(status === "429" && { headers: RATE_LIMIT_HEADERS }),
        };
      else
        responses[status] = op.response
          ? { description, content: { "application/json": { schema: schemaOf(op.response) } } }
          : { description };
    }
    (paths[op.path] ??= {})[method] = {
      summary: op.summary,
      description: [
        op.description,
        op.aliases.length ? `Also served at ${op.aliases.map((a) => `\`${a}\``).join(", ")}.` : null,
        AUTH_NOTE[op.auth],
        op.auth === "public" ? null : `An API key needs the \`${op.permission}\` permission.`,
      ]
        .filter(Boolean)
        .join("\n\n"),
      "x-tally-permission": op.auth === "public" ? undefined : op.permission,
      tags: [op.tag],
      security: SECURITY[op.auth],
      parameters: [...params, ...queryParams],
      ...(op.body && {
        requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body) } } },
      }),
      responses,
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Tally API",
      version,
      description:
        "Usage-based billing: metering, pricing, credits and subscriptions. JSON in and out, snake_case fields; decimal amounts as strings, minor units as integers named *_cents.",
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
