// What an endpoint declares once, beside its handler in app/api/**/route.ts: where it is served,
// who may call it, what it reads, what it answers, and whether the fast path serves it too. Next
// serves the route file's export; the OpenAPI document (lib/http/openapi.ts) and the fast path's
// table (server/fast-routes.ts) are built from the same objects, listed by scripts/gen-routes.mjs.
import type { z } from "zod";
import type { ApiKeyPermission } from "@/lib/auth/key-permissions";
import type { Incoming, Served } from "./route";

export type AuthRule = "public" | "any" | "operator" | "customer";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
export const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/** The endpoint's entry in the OpenAPI document. */
export type ApiDoc = {
  summary: string;
  tag: string;
  description?: string;
  /** Status → description; 200 (or 201/202) and the error codes the operation answers. 200 "OK" when left out. */
  responses?: Record<string, string>;
  /** The success answer's shape, when it is declared. */
  response?: z.ZodType;
  /** The body or query to document when the route validates a looser one (batch items are judged one by one). */
  body?: z.ZodType;
  query?: z.ZodType;
};

export type Declaration = {
  /** Where Next serves it, with `{name}` for a path segment (`[name]` in app/). */
  path: string;
  auth: AuthRule;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /**
   * Further paths serving the same handler (FlexPrice's SDKs post events to `/v1/events`): each has
   * a route file under app/ re-exporting this one's handlers, and the fast path matches it too.
   */
  aliases?: string[];
  /** Served by Node's HTTP server in front of Next (server/fast-routes.ts) as well as by Next. */
  fast?: boolean;
  /** The API-key permission it needs when narrower than read (GET) / write (the rest): lib/auth/key-permissions.ts. */
  permission?: ApiKeyPermission;
  /** false: not an API operation (Auth.js's own routes). */
  doc: ApiDoc | false;
};

/** A handler as route() and rawRoute() return it: Next's function, carrying its declaration and the route without web objects (what the fast path calls). */
export type Declared = {
  declaration: Declaration;
  serve(req: Incoming, params: Record<string, string>): Promise<Served | Response>;
};

export const isDeclared = (v: unknown): v is Declared => typeof v === "function" && "declaration" in v && "serve" in v;

/** A route module's declared handlers, by the method each is exported as. */
export function declaredIn(module: Record<string, unknown>): { method: HttpMethod; handler: Declared }[] {
  return HTTP_METHODS.flatMap((method) => {
    const handler = module[method];
    return isDeclared(handler) ? [{ method, handler }] : [];
  });
}
