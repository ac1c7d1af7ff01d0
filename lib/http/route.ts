// The one wrapper every /api route goes through: request id, body limit, zod validation of body,
// query and path, authentication, error mapping, an access log line and metrics. A handler then
// reads as the business step.
import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { resolveActor, type Actor, type Customer, type Operator, isOperator } from "@/lib/auth/actor";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { AppError, type FieldIssue } from "./errors";

export type AuthRule = "public" | "any" | "operator" | "customer";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

type ActorFor<A extends AuthRule> = A extends "public" ? Actor | null : A extends "operator" ? Operator : A extends "customer" ? Customer : Actor;

export type RouteContext<A extends AuthRule, B, Q, P> = {
  req: Request;
  actor: ActorFor<A>;
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  requestId: string;
  /** The raw body text, for handlers that hash it (idempotency) or verify signatures. */
  rawBody: string;
};

export type RouteOptions<A extends AuthRule, B, Q, P> = {
  auth: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Bytes; 1 MiB unless a route needs more (batch ingestion). */
  maxBodyBytes?: number;
};

const DEFAULT_MAX_BODY = 1024 * 1024;

export const json = (data: unknown, status = 200, headers?: HeadersInit) => Response.json(data, { status, headers });
export const created = (data: unknown) => json(data, 201);
export const accepted = (data: unknown) => json(data, 202);

export function requestIdOf(req: Request): string {
  const incoming = req.headers.get("x-request-id");
  return incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map(String);
    // One issue per unknown key, named by its own path, so a typo points at itself.
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ field: [...path, k].join("."), message: i.message.startsWith("Unrecognized") ? "is not a field of this request (or cannot be changed here)" : i.message }));
    return [{ field: path.length ? path.join(".") : "(body)", message: i.message }];
  });
}

export function validationError(error: z.ZodError, where: string): AppError {
  const issues = zodIssues(error);
  const summary = issues.slice(0, 5).map((i) => `${i.field}: ${i.message}`).join("; ");
  return new AppError("validation_error", `Invalid ${where}: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ""}`, issues);
}

export function errorResponse(e: AppError, requestId: string): Response {
  const body: { error: { code: string; message: string; details?: unknown; request_id: string } } = {
    error: { code: e.code, message: e.message, request_id: requestId },
  };
  if (e.details !== undefined) body.error.details = e.details;
  return json(body, e.status, { ...e.headers, "x-request-id": requestId });
}

async function readBody(req: Request, limit: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const tooLarge = (limit: number) => new AppError("payload_too_large", `The request body is larger than the limit of ${limit} bytes.`);

/** Metric label for a path: ids and numbers become placeholders so cardinality stays bounded. */
export function routeLabel(pathname: string): string {
  return pathname
    .split("/")
    .map((seg) => (/^[a-z]{1,5}_[0-9a-z]{20,}$/.test(seg) || /^\d+$/.test(seg) || seg.length > 40 ? ":id" : seg))
    .join("/");
}

function parseWith<S extends Schema>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

function authorize(rule: AuthRule, actor: Actor | null): void {
  if (rule === "public") return;
  if (!actor) throw new AppError("unauthenticated", "Sign in, or send an API key as 'Authorization: Bearer <key>' or 'x-api-key'.");
  if (rule === "operator" && !isOperator(actor)) throw new AppError("forbidden", "This endpoint needs an admin session or a platform API key.");
  if (rule === "customer" && isOperator(actor)) throw new AppError("forbidden", "This endpoint is for a customer's own session or customer API key.");
}

export function route<A extends AuthRule, B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  options: RouteOptions<A, B, Q, P>,
  handler: (ctx: RouteContext<A, B, Q, P>) => Promise<Response | object>,
) {
  return async (req: Request, segment?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    const url = new URL(req.url);
    const label = routeLabel(url.pathname);
    let status = 500;
    let actor: Actor | null = null;
    let response: Response;
    try {
      actor = await resolveActor(req);
      authorize(options.auth, actor);
      const rawBody = options.body ? await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY) : "";
      let bodyValue: unknown;
      if (options.body) {
        const type = req.headers.get("content-type") ?? "";
        if (rawBody.trim() === "") bodyValue = {};
        else {
          if (type && !type.includes("json")) throw new AppError("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.");
          try {
            bodyValue = JSON.parse(rawBody);
          } catch {
            throw new AppError("bad_request", "The request body is not valid JSON.");
          }
        }
      }
      const ctx = {
        req,
        actor,
        rawBody,
        requestId,
        body: options.body ? parseWith(options.body, bodyValue, "body") : undefined,
        query: options.query ? parseWith(options.query, Object.fromEntries(url.searchParams), "query") : undefined,
        params: options.params ? parseWith(options.params, (await segment?.params) ?? {}, "path") : undefined,
      } as RouteContext<A, B, Q, P>;
      const result = await handler(ctx);
      response = result instanceof Response ? result : json(result);
    } catch (e) {
      if (e instanceof AppError) {
        response = errorResponse(e, requestId);
      } else {
        log.error({ request_id: requestId, err: e, method: req.method, path: url.pathname }, "unhandled error");
        response = errorResponse(new AppError("internal_error", `Something went wrong on our side. Quote request id ${requestId} when reporting it.`), requestId);
      }
    }
    status = response.status;
    response.headers.set("x-request-id", requestId);
    const seconds = (performance.now() - started) / 1000;
    metrics.httpRequests.inc({ route: label, method: req.method, status: String(status) });
    metrics.httpDuration.observe({ route: label, method: req.method }, seconds);
    log.info(
      { request_id: requestId, method: req.method, path: url.pathname, status, duration_ms: Math.round(seconds * 10000) / 10, actor: actor ? actor.type : null },
      "request",
    );
    return response;
  };
}
