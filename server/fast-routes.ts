// The API routes that backends call on every request of their own product — usage events and
// reads, entitlement checks, credit balances and spends, call costs — and Stripe's webhooks, served straight from Node's HTTP server
// (server/serve.mjs) instead of through Next's router, which costs several times what these
// handlers do. They are the same route handlers as under app/api: one wrapper, one behaviour.
import * as billingUsage from "@/app/api/v1/billing/usage/route";
import * as balance from "@/app/api/v1/credits/route";
import * as consume from "@/app/api/v1/credits/consume/route";
import * as entitlements from "@/app/api/v1/entitlements/[meter]/route";
import * as batch from "@/app/api/v1/events/batch/route";
import * as bulk from "@/app/api/v1/events/bulk/route";
import * as events from "@/app/api/v1/events/route";
import * as finalize from "@/app/api/v1/calls/[call_id]/finalize-cost/route";
import * as health from "@/app/api/health/route";
import * as usageSummary from "@/app/api/v1/customers/[id]/usage-summary/route";
import * as usage from "@/app/api/v1/usage/route";
import * as stripeWebhook from "@/app/api/webhooks/stripe/route";

import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { type Incoming, type Served, tooLarge } from "@/lib/http/route";

type Handler = ((req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) & {
  /** Set by route() (lib/http/route.ts): the route without web Request and Response objects. */
  serve?: (req: Incoming, params: Record<string, string>) => Promise<Served | Response>;
};
type FastRoute = { method: string; pattern: RegExp; keys: string[]; handler: Handler };

const h = (f: unknown) => f as Handler;

const ROUTES: FastRoute[] = [
  { method: "POST", pattern: /^\/api\/v1\/events$/, keys: [], handler: h(events.POST) },
  { method: "POST", pattern: /^\/api\/v1\/events\/bulk$/, keys: [], handler: h(bulk.POST) },
  { method: "POST", pattern: /^\/api\/v1\/events\/batch$/, keys: [], handler: h(batch.POST) },
  { method: "GET", pattern: /^\/api\/v1\/entitlements\/([^/]+)$/, keys: ["meter"], handler: h(entitlements.GET) },
  { method: "GET", pattern: /^\/api\/v1\/usage$/, keys: [], handler: h(usage.GET) },
  { method: "GET", pattern: /^\/api\/v1\/billing\/usage$/, keys: [], handler: h(billingUsage.GET) },
  { method: "GET", pattern: /^\/api\/v1\/customers\/([^/]+)\/usage-summary$/, keys: ["id"], handler: h(usageSummary.GET) },
  { method: "GET", pattern: /^\/api\/v1\/credits$/, keys: [], handler: h(balance.GET) },
  { method: "POST", pattern: /^\/api\/v1\/credits\/consume$/, keys: [], handler: h(consume.POST) },
  { method: "POST", pattern: /^\/api\/v1\/calls\/([^/]+)\/finalize-cost$/, keys: ["call_id"], handler: h(finalize.POST) },
  { method: "GET", pattern: /^\/api\/health$/, keys: [], handler: h(health.GET) },
  { method: "POST", pattern: /^\/api\/webhooks\/stripe$/, keys: [], handler: h(stripeWebhook.POST) },
];

export function match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
    return { handler: r.handler, params };
  }
  return null;
}

export { boot } from "@/lib/boot";

/**
 * Answers a matched route from Node's request and response. A route() handler reads the Node
 * request directly and its answer goes straight to the socket: building a web Request (headers,
 * URL, a stream over the body) and reading a web Response back cost about 50 µs a request, a
 * quarter of what a single event costs the server. Other handlers (the Stripe webhook) get a web
 * Request as under Next.
 */
export async function serveNode(route: { handler: Handler; params: Record<string, string> }, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const out = route.handler.serve ? await route.handler.serve(nodeIncoming(req), route.params) : await route.handler(webRequest(req), { params: Promise.resolve(route.params) });
  if (out instanceof Response) {
    const body = Buffer.from(await out.arrayBuffer());
    const headers: Record<string, string> = {};
    out.headers.forEach((v, k) => (headers[k] = v));
    headers["content-length"] = String(body.length);
    res.writeHead(out.status, headers);
    res.end(body);
    return;
  }
  out.headers["content-length"] = String(Buffer.byteLength(out.body));
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
    url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
    headers: { get: (name) => header(req, name) },
    text: (limit) => readNodeBody(req, limit),
  };
}

/** The body as text; past `limit` bytes (declared or sent) a 413, and the rest is read and dropped so the connection stays usable. */
function readNodeBody(req: IncomingMessage, limit: number): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

const MAX_WEB_BODY = 8 * 1024 * 1024;

function webRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  if (!headers.has("x-forwarded-for") && req.socket.remoteAddress) headers.set("x-forwarded-for", req.socket.remoteAddress);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  if (hasBody && Number(req.headers["content-length"] ?? 0) > MAX_WEB_BODY) req.resume();
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}
