// The one wrapper every /api route goes through: request id, body limit, zod validation of body,
// query and path, authentication, error mapping, an access log line and metrics. A handler then
// reads as the business step.
import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  resolveActor,
  scopeCustomer,
  type Actor,
  type Customer,
  type CustomerRef,
  type Operator,
  isOperator,
} from "@/lib/auth/actor";
import { neededPermission, permits, type ApiKeyPermission } from "@/lib/auth/key-permissions";
import { optionalIdempotencyKey, requireIdempotencyKey } from "@/lib/idempotency/idempotent";
import { log } from "@/lib/log";
import { isConnectionError } from "@/lib/db/errors";
import { metrics } from "@/lib/metrics";
import { admitKeyRequest } from "@/lib/rate-limits/key-rate-limit";
import { AppError, databaseUnavailable, type FieldIssue } from "./errors";
import { MAX_JSON_DEPTH, tooDeepMessage, tooDeepPath } from "./json-depth";
import { isJsonMediaType } from "./media-type";
import { routePattern } from "./route-label";
import { assertSameOrigin } from "./same-origin";
import { badTextPath, mayHoldBadText } from "./nul";
import type { AuthRule, Declaration } from "./declaration";

export type { AuthRule } from "./declaration";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

type ActorFor<A extends AuthRule> = A extends "public"
  ? Actor | null
  : A extends "operator"
    ? Operator
    : A extends "customer"
      ? Customer
      : Actor;

/** What handlers read of a request. A web Request is one; so is the fast path's view of a Node request (server/fast-routes.ts). */
export type RequestLike = {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
};

/** A request as the wrapper reads it: RequestLike, and the body as text, refused (413) past `limit` bytes. */
export type Incoming = RequestLike & { text(limit: number): Promise<string> };

/** An answer ready to send: status, headers and the body text. */
export type Served = { status: number; headers: Record<string, string>; body: string };

/** Where a route names the customer it acts for (customer_id or external_customer_id): route() resolves it, see scopeCustomer. */
export type CustomerFrom = "body" | "query";
/**
 * An idempotent route's handler returns an IdempotentReply; route() answers its status (200 when it
 * has none) and body, with `Idempotent-Replayed: true` on a replay. "key": the request must carry
 * an idempotency key (Idempotency-Key header or the body's idempotency_key), handed to the handler.
 * "optional-key": a key is honoured when sent (the Idempotency-Key header), handed to the handler, or null.
 * "state": the operation is idempotent by the resource's own state (a reservation's commit).
 */
export type IdempotentBy = "key" | "optional-key" | "state";
export type IdempotentReply = { status?: number; body: unknown; replayed: boolean };

export type RouteContext<A extends AuthRule, B, Q, P, C = undefined, I = undefined> = {
  req: RequestLike;
  actor: ActorFor<A>;
  /** The organization the request acts for, when the route declares `customer`. */
  customerId: C extends CustomerFrom ? string : undefined;
  /** The request's idempotency key, when the route declares `idempotent: "key"` (or "optional-key": null when none was sent). */
  idempotencyKey: I extends "key" ? string : I extends "optional-key" ? string | null : undefined;
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  requestId: string;
  /** The raw body text, for handlers that hash it (idempotency) or verify signatures. */
  rawBody: string;
};

/** The route's declaration (lib/http/declaration.ts) with its schemas typed, and how its body is read. */
export type RouteOptions<A extends AuthRule, B, Q, P, C = undefined, I = undefined> = Omit<
  Declaration,
  "auth" | "body" | "query" | "params"
> & {
  auth: A;
  body?: B;
  query?: Q;
  params?: P;
  customer?: C;
  idempotent?: I;
  /** Bytes; 1 MiB unless a route needs more (batch ingestion). */
  maxBodyBytes?: number;
  /** The handler judges the body's items one by one (batch ingestion), so a bad item is refused alone: no body-wide refusal of U+0000 or lone surrogates. */
  perItem?: boolean;
};

const DEFAULT_MAX_BODY = 1024 * 1024;
/**
 * A batch's items are judged one by one, each against MAX_JSON_DEPTH (lib/metering/parse-event.ts),
 * so one deep event is refused alone; the whole body's bound, twice that, only keeps the walks safe.
 */
const PER_ITEM_BODY_DEPTH = 2 * MAX_JSON_DEPTH;

/**
 * A JSON answer. It becomes bytes where it is sent — a web Response under Next, straight to the
 * socket on the fast path — so the hot routes never build a Response only to read it back.
 */
export class JsonReply {
  constructor(
    readonly data: unknown,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {}

  served(extra: Record<string, string> = {}): Served {
    return {
      status: this.status,
      headers: { "content-type": "application/json", ...this.headers, ...extra },
      body: JSON.stringify(this.data),
    };
  }
}

export const json = (data: unknown, status = 200, headers?: Record<string, string>) =>
  new JsonReply(data, status, headers);
export const created = (data: unknown) => json(data, 201);
export const accepted = (data: unknown) => json(data, 202);

export const webResponse = (s: Served) => new Response(s.body, { status: s.status, headers: s.headers });
/** For handlers outside route() (webhooks, Auth.js), which answer Next with a web Response. */
export const jsonResponse = (data: unknown, status = 200, headers?: Record<string, string>) =>
  webResponse(json(data, status, headers).served());

export function requestIdOf(req: RequestLike): string {
  const incoming = req.headers.get("x-request-id");
  return incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map(String);
    // One issue per unknown key, named by its own path, so a typo points at itself.
    if (i.code === "unrecognized_keys")
      return i.keys.map((k) => ({
        field: [...path, k].join("."),
        message: i.message.startsWith("Unrecognized")
          ? "is not a field of this request (or cannot be changed here)"
          : i.message,
      }));
    return [{ field: path.length ? path.join(".") : "(body)", message: i.message }];
  });
}

export function validationError(error: z.ZodError, where: string): AppError {
  const issues = zodIssues(error);
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.field}: ${i.message}`)
    .join("; ");
  return new AppError(
    "validation_error",
    `Invalid ${where}: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ""}`,
    issues,
  );
}

export function errorReply(e: AppError, requestId: string): JsonReply {
  const body: { error: { code: string; message: string; details?: unknown; request_id: string } } = {
    error: { code: e.code, message: e.message, request_id: requestId },
  };
  if (e.details !== undefined) body.error.details = e.details;
  return json(body, e.status, { ...e.headers, "x-request-id": requestId });
}

export const errorResponse = (e: AppError, requestId: string): Response =>
  webResponse(errorReply(e, requestId).served());

/** A web Request as the wrapper reads it. */
const fromWeb = (req: Request): Incoming => ({
  method: req.method,
  url: req.url,
  headers: req.headers,
  text: (limit) => readBody(req, limit),
});

async function readBody(req: Request, limit: number): Promise<string> {
  if (Number(req.headers.get("content-length") ?? "0") > limit) throw tooLarge(limit);
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

export const tooLarge = (limit: number) =>
  new AppError("payload_too_large", `The request body is larger than the limit of ${limit} bytes.`);

/**
 * A route outside route()'s JSON handling (Stripe's webhook, which verifies a signature over the
 * raw bytes): the handler reads the body itself through `req.text(limit)`, so it is bounded on
 * either server as route()'s bodies are, and the fast path serves it without a web Request.
 */
export function rawRoute(declaration: Declaration, handler: (req: Incoming, requestId: string) => Promise<Response>) {
  const serve = (req: Incoming): Promise<Response> => handler(req, requestIdOf(req));
  const onNext = (req: Request): Promise<Response> => serve(fromWeb(req));
  return Object.assign(onNext, { serve, declaration });
}

function parseWith<S extends Schema>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

function refuseBadText(bad: { field: string; message: string } | null, where: string): void {
  if (bad) throw new AppError("validation_error", `Invalid ${where}: ${bad.field}: ${bad.message}`, [bad]);
}

/** A key made with a permission list may call only what it covers (lib/auth/key-permissions.ts). */
function assertKeyPermits(actor: Actor | null, method: string, declared: ApiKeyPermission | undefined): void {
  if (!actor || (actor.type !== "platform_key" && actor.type !== "customer_key")) return;
  const needed = neededPermission(method, declared);
  if (!permits(actor.permissions, needed))
    throw new AppError(
      "forbidden",
      `This API key lacks the '${needed}' permission this endpoint needs; it may ${actor.permissions?.join(", ") || "nothing"}. Use a key made with '${needed}'.`,
    );
}

function authorize(rule: AuthRule, actor: Actor | null): void {
  if (rule === "public") return;
  if (!actor)
    throw new AppError(
      "unauthenticated",
      "Sign in, or send an API key as 'Authorization: Bearer <key>' or 'x-api-key'.",
    );
  if (rule === "operator" && !isOperator(actor))
    throw new AppError("forbidden", "This endpoint needs an admin session or a platform API key.");
  if (rule === "customer" && isOperator(actor))
    throw new AppError("forbidden", "This endpoint is for a customer's own session or customer API key.");
}

export function route<
  A extends AuthRule,
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
  C extends CustomerFrom | undefined = undefined,
  I extends IdempotentBy | undefined = undefined,
>(
  options: RouteOptions<A, B, Q, P, C, I>,
  handler: (
    ctx: RouteContext<A, B, Q, P, C, I>,
  ) => Promise<I extends IdempotentBy ? IdempotentReply : JsonReply | Response | object>,
) {
  /** The route on any server: Next (below) or the fast path, which sends `Served` to the socket itself. */
  const serve = async (
    req: Incoming,
    segmentParams?: Record<string, string | string[]>,
  ): Promise<Served | Response> => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    const url = new URL(req.url);
    const label = routePattern(url.pathname, segmentParams);
    let status = 500;
    let actor: Actor | null = null;
    let response: JsonReply | Response;
    /** An API key's rate-limit headers, on every answer to it (a 429 carries its own). */
    let limitHeaders: Record<string, string> | undefined;
    try {
      actor = await resolveActor(req);
      // Every request a key makes to an authenticated route counts, before any other work: a key
      // over its limit costs little. (Public routes need no key, so a key's limit means nothing there.)
      if (options.auth !== "public" && (actor?.type === "platform_key" || actor?.type === "customer_key"))
        limitHeaders = admitKeyRequest(actor.keyId, actor.rateLimit);
      authorize(options.auth, actor);
      assertKeyPermits(actor, req.method, options.permission);
      if (actor?.type === "admin" || actor?.type === "member") assertSameOrigin(req);
      const rawBody = options.body ? await req.text(options.maxBodyBytes ?? DEFAULT_MAX_BODY) : "";
      let bodyValue: unknown;
      if (options.body) {
        const type = req.headers.get("content-type") ?? "";
        if (rawBody.trim() === "") bodyValue = {};
        else {
          if (type && !isJsonMediaType(type))
            throw new AppError(
              "unsupported_media_type",
              "Send the body as JSON with 'Content-Type: application/json'.",
            );
          try {
            bodyValue = JSON.parse(rawBody);
          } catch {
            throw new AppError("bad_request", "The request body is not valid JSON.");
          }
          // Before anything walks the value: the walks below and the handler's recurse.
          const depth = options.perItem ? PER_ITEM_BODY_DEPTH : MAX_JSON_DEPTH;
          const deep = tooDeepPath(bodyValue, depth);
          if (deep)
            throw new AppError("validation_error", `Invalid body: ${deep}: ${tooDeepMessage(depth)}`, [
              { field: deep, message: tooDeepMessage(depth) },
            ]);
          if (!options.perItem && mayHoldBadText(rawBody)) refuseBadText(badTextPath(bodyValue), "body");
        }
      }
      if (url.search.includes("%00")) refuseBadText(badTextPath(Object.fromEntries(url.searchParams)), "query");
      if (segmentParams) refuseBadText(badTextPath(segmentParams), "path");
      const body = options.body ? parseWith(options.body, bodyValue, "body") : undefined;
      const query = options.query ? parseWith(options.query, Object.fromEntries(url.searchParams), "query") : undefined;
      const params = options.params ? parseWith(options.params, segmentParams ?? {}, "path") : undefined;
      // Scope, then key, then the call: a request for another customer is refused before its key is judged.
      const customerId = options.customer
        ? await scopeCustomer(actor!, (options.customer === "body" ? body : query) as CustomerRef)
        : undefined;
      const bodyKey = (body as { idempotency_key?: string | null } | undefined)?.idempotency_key;
      const idempotencyKey =
        options.idempotent === "key"
          ? requireIdempotencyKey(req, bodyKey)
          : options.idempotent === "optional-key"
            ? optionalIdempotencyKey(req, bodyKey)
            : undefined;
      const ctx = {
        req: req as RequestLike,
        actor,
        rawBody,
        requestId,
        body,
        query,
        params,
        customerId,
        idempotencyKey,
      } as RouteContext<A, B, Q, P, C, I>;
      const result = await handler(ctx);
      if (options.idempotent) {
        const r = result as IdempotentReply;
        response = json(r.body, r.status ?? 200, r.replayed ? { "idempotent-replayed": "true" } : undefined);
      } else response = result instanceof Response || result instanceof JsonReply ? result : json(result);
    } catch (e) {
      if (e instanceof AppError) {
        response = errorReply(e, requestId);
      } else if (isConnectionError(e)) {
        // The database is down or restarting: the caller can retry; nothing for an operator to fix in the request.
        log.warn({ request_id: requestId, err: e, method: req.method, path: url.pathname }, "database unavailable");
        response = errorReply(databaseUnavailable(), requestId);
      } else {
        log.error({ request_id: requestId, err: e, method: req.method, path: url.pathname }, "unhandled error");
        response = errorReply(
          new AppError(
            "internal_error",
            `Something went wrong on our side. Quote request id ${requestId} when reporting it.`,
          ),
          requestId,
        );
      }
    }
    status = response.status;
    const seconds = (performance.now() - started) / 1000;
    metrics.httpRequests.inc({ route: label, method: req.method, status: String(status) });
    metrics.httpDuration.observe({ route: label, method: req.method }, seconds);
    log.info(
      {
        request_id: requestId,
        method: req.method,
        path: url.pathname,
        status,
        duration_ms: Math.round(seconds * 10000) / 10,
        actor: actor ? actor.type : null,
      },
      "request",
    );
    if (response instanceof JsonReply) return response.served({ ...limitHeaders, "x-request-id": requestId });
    for (const [name, value] of Object.entries(limitHeaders ?? {})) response.headers.set(name, value);
    response.headers.set("x-request-id", requestId);
    return response;
  };
  const onNext = async (
    req: Request,
    segment?: { params?: Promise<Record<string, string | string[]>> },
  ): Promise<Response> => {
    const out = await serve(fromWeb(req), await segment?.params);
    return out instanceof Response ? out : webResponse(out);
  };
  const { path, aliases, auth, body, query, params, fast, doc } = options;
  const declaration: Declaration = { path, aliases, auth, body, query, params, fast, doc };
  return Object.assign(onNext, { serve, declaration });
}
