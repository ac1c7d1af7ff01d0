// The API routes that backends call on every request of their own product — usage events and
// reads, entitlement checks, credit balances and spends, call costs — and Stripe's webhooks, served straight from Node's HTTP server
// (server/serve.mjs) instead of through Next's router, which costs several times what these
// handlers do. They are the same route handlers as under app/api: one wrapper, one behaviour. A
// route is here when its declaration says `fast: true`; the table is built from the declarations
// (their paths and methods) of the modules server/fast-routes.gen.ts lists.
import type { IncomingMessage, ServerResponse } from "node:http";
// Next's own check of the header, the one that throws mid-render (CommonJS: read through its default export).
import flightRouterState from "next/dist/server/app-render/parse-and-validate-flight-router-state.js";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { declaredIn, type Declared } from "@/lib/http/declaration";
import { errorReply, type Incoming, requestIdOf, tooLarge } from "@/lib/http/route";
import { metrics } from "@/lib/metrics";
import { fastRouteModules } from "./fast-routes.gen";

/** What route() and rawRoute() (lib/http/route.ts) give every handler: the route without web Request and Response objects. */
type Handler = Pick<Declared, "serve">;
type FastRoute = { method: string; path: string; pattern: RegExp; keys: string[]; handler: Declared };

/** `/api/v1/calls/{call_id}/finalize-cost` → a pattern with one group per `{name}`, and the names. */
export function pathPattern(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split(/\{(\w+)\}/)
    .map((part, i) => (i % 2 ? (keys.push(part), "([^/]+)") : part.replace(/[.\\/]/g, "\\$&")))
    .join("");
  return { pattern: new RegExp(`^${source}$`), keys };
}

/** Every declared handler with `fast: true` in the listed modules, at its path and at each of its aliases. */
export const ROUTES: FastRoute[] = fastRouteModules.flatMap(({ module }) =>
  declaredIn(module)
    .filter(({ handler }) => handler.declaration.fast)
    .flatMap(({ method, handler }) =>
      [handler.declaration.path, ...(handler.declaration.aliases ?? [])].map((path) => ({
        method,
        path,
        ...pathPattern(path),
        handler,
      })),
    ),
);

/** A 400 for a request no route can read, counted under one `unmatched` series. */
const refuse = (message: string): Handler => ({
  serve: async (req) => {
    const requestId = requestIdOf(req);
    metrics.httpRequests.inc({ route: "unmatched", method: req.method, status: "400" });
    return errorReply(new AppError("bad_request", message), requestId).served({ "x-request-id": requestId });
  },
});

/**
 * A path that does not decode (`%ZZ`, or escapes that are not UTF-8): on a fast route it threw
 * outside any handler and the request never got an answer; Next answers such a path with a 500.
 */
const MALFORMED_PATH = refuse(
  "The request path holds a malformed percent-escape (each % must start an escape of UTF-8 bytes, e.g. %2F).",
);
/** Next parses this header of its client's navigations while rendering, and answers a 500 when it cannot; proxy.ts never sees it (Next strips it from what middleware gets). */
const BAD_ROUTER_STATE = refuse(
  "The Next-Router-State-Tree header is malformed (Next.js's client sends it; leave it out of hand-made requests).",
);

export function match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
    } catch {
      return { handler: MALFORMED_PATH, params: {} };
    }
    return { handler: r.handler, params };
  }
  return null;
}

/**
 * For a request no fast route answers: the 400 it gets here, before Next, when Next would fail on
 * it with a 500 — a path that does not decode, a malformed router-state header — or null for Next.
 */
export function refusal(
  req: IncomingMessage,
  pathname: string,
): { handler: Handler; params: Record<string, string> } | null {
  if (pathname.includes("%") && !decodes(pathname)) return { handler: MALFORMED_PATH, params: {} };
  const state = req.headers["next-router-state-tree"];
  if (state !== undefined && !validRouterState(state)) return { handler: BAD_ROUTER_STATE, params: {} };
  return null;
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function validRouterState(header: string | string[]): boolean {
  try {
    flightRouterState.parseAndValidateFlightRouterState(header);
    return true;
  } catch {
    return false;
  }
}

export { boot } from "@/lib/boot";

/**
 * Answers a matched route from Node's request and response. The handler reads the Node request
 * directly and its answer goes straight to the socket: building a web Request (headers, URL, a
 * stream over the body) and reading a web Response back cost about 50 µs a request, a quarter of
 * what a single event costs the server.
 */
export async function serveNode(
  route: { handler: Handler; params: Record<string, string> },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const out = await route.handler.serve(nodeIncoming(req), route.params);
  // A body the handler did not read to its end (refused past its limit, or before it was read) is
  // not read further: the connection closes after the answer rather than taking in the rest.
  const close = !req.complete;
  if (out instanceof Response) {
    const body = Buffer.from(await out.arrayBuffer());
    const headers: Record<string, string> = {};
    out.headers.forEach((v, k) => (headers[k] = v));
    headers["content-length"] = String(body.length);
    if (close) headers.connection = "close";
    res.writeHead(out.status, headers);
    res.end(body);
    return;
  }
  out.headers["content-length"] = String(Buffer.byteLength(out.body));
  if (close) out.headers.connection = "close";
  res.writeHead(out.status, out.headers);
  res.end(out.body);
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  if (v === undefined) return name.toLowerCase() === "x-forwarded-for" ? (req.socket.remoteAddress ?? null) : null;
  return Array.isArray(v) ? v.join(", ") : v;
}

function nodeIncoming(req: IncomingMessage): Incoming {
  return {
    method: req.method ?? "GET",
    // The app's own origin, never the Host header: the URL is the path and query on APP_URL.
    url: `${appOrigin()}${req.url ?? "/"}`,
    headers: { get: (name) => header(req, name) },
    text: (limit) => readNodeBody(req, limit),
  };
}

let origin: { from: string; origin: string } | undefined;
function appOrigin(): string {
  const from = appUrl();
  if (origin?.from !== from) origin = { from, origin: new URL(from).origin };
  return origin.origin;
}

/** The body as text; past `limit` bytes (declared or sent) a 413, and nothing more is read. */
function readNodeBody(req: IncomingMessage, limit: number): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => {
      if (size <= limit)
        resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}
