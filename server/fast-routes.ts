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

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
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
