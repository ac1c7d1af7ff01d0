// A route's declared response schema (its doc.response: what the OpenAPI document shows and the
// type the pages and React Query hooks use) is what the route answers: each such operation's sample
// request (tests/support/api-samples.ts), sent against the seeded world as the operator, or as
// customer A where only a customer may call, answers a body the schema parses, with no field the
// schema leaves out.
import * as agentsRoute from "@/app/api/v1/agents/route";
import * as callsRoute from "@/app/api/v1/calls/route";
import * as reservationsRoute from "@/app/api/v1/credits/reservations/route";
import * as syncRoute from "@/app/api/v1/plans/sync/route";
import { db } from "@/lib/db/client";
import { webhookEvents } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "./support/api-operations";
import { SAMPLES, routeFile, sampleUrl, type Sample } from "./support/api-samples";
import { call, makeMeter, makeOrg, makePlan, uid, type CallOptions } from "./support/fixtures";
import { StripeServer } from "./support/stripe-server";
import { seedWorld, type World } from "./support/world";

type Handler = Parameters<typeof call>[0];

let w: World;
const stripe = new StripeServer();
beforeAll(async () => {
  w = await seedWorld();
  await stripe.start();
}, 120_000);
afterAll(() => stripe.stop());

async function openHold(): Promise<string> {
  const res = await call(reservationsRoute.POST, "POST", "/api/v1/credits/reservations", {
    key: w.platform,
    body: { customer_id: w.a.id, credits: 1, ttl_seconds: 3600, idempotency_key: `hold-${crypto.randomUUID()}` },
  });
  return (res.json as { id: string }).id;
}

/** A call whose agent has a plan pricing the sample's metric, so finalizing it prices it (the world's call has no plan). */
async function pricedCall(): Promise<Sample> {
  const meter = await makeMeter({ aggregation: "sum", property: "value" });
  const plan = await makePlan({
    charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.01" }],
  });
  const agent = await call(agentsRoute.POST, "POST", "/api/v1/agents", {
    key: w.platform,
    body: { customer_id: w.a.id, name: `Agent ${uid()}`, plan_id: plan.id },
  });
  const started = await call(callsRoute.POST, "POST", "/api/v1/calls", {
    key: w.platform,
    body: { agent_id: (agent.json as { id: string }).id },
  });
  return { params: { call_id: (started.json as { id: string }).id }, body: { usage_metrics: { [meter.code]: "10" } } };
}

/** A stored Stripe event of a type Tally does not handle: replaying it answers the receipt (ignored). */
async function storedStripeEvent(): Promise<Sample> {
  const id = `evt_${uid()}`;
  await db.insert(webhookEvents).values({
    id,
    provider: "stripe",
    type: "tally.test_unhandled",
    createdAt: new Date(),
    payload: { id, type: "tally.test_unhandled" },
  });
  return { params: { id } };
}

/** Plan sync, publishing and adoption talk to Stripe: these operations run against the Stripe stand-in, its env set only while they do. */
const NEEDS_STRIPE = new Set([
  "POST /api/v1/plans/sync",
  "POST /api/v1/plans/sync/{plan_id}",
  "POST /api/v1/plans/{id}/publish",
  "POST /api/v1/admin/stripe/adopt",
]);
async function withStripe<T>(run: () => Promise<T>): Promise<T> {
  Object.assign(process.env, stripe.env());
  resetEnvCache();
  try {
    return await run();
  } finally {
    for (const k of Object.keys(stripe.env())) delete process.env[k];
    resetEnvCache();
  }
}

/** A plan synced from a Stripe price (sync/{plan_id} syncs only linked plans). */
async function stripePlan(): Promise<Sample> {
  const product = stripe.createProduct({ name: `Synced ${uid()}` });
  stripe.createPrice({ product: product.id, unit_amount: 1900, recurring: { interval: "month" } });
  const res = await call(syncRoute.POST, "POST", "/api/v1/plans/sync", { key: w.platform });
  const planId = (res.json as { plan_ids: string[] }).plan_ids[0]!;
  return { params: { plan_id: planId } };
}

const key = (op: { method: string; path: string }) => `${op.method.toUpperCase()} ${op.path}`;
const declared = operations.filter((op) => op.response);

describe("declared response schemas", () => {
  it("cover the reads the admin's pages and the React Query hooks show", () => {
    expect(declared.map(key)).toEqual(
      expect.arrayContaining([
        "GET /api/v1/admin/billing/stats",
        "GET /api/v1/admin/billing/customers",
        "GET /api/v1/admin/billing/subscriptions",
        "GET /api/v1/admin/billing/recent-charges",
        "GET /api/v1/admin/revenue/series",
        "GET /api/v1/admin/revenue/economics",
        "GET /api/v1/usage",
        "GET /api/v1/credits",
        "GET /api/v1/billing/upcoming-invoice",
        "GET /api/v1/alerts",
        "GET /api/v1/billing/usage",
        "GET /api/v1/credits/transactions",
      ]),
    );
  });

  it.each(declared.map((op) => [key(op), op] as const))("%s answers what its schema declares", async (k, op) => {
    const method = op.method.toUpperCase();
    const handler = ((await import(/* @vite-ignore */ routeFile(op.path))) as Record<string, Handler>)[method]!;
    const asCustomer = op.auth === "customer";
    // A customer has one current subscription: subscribing is shown on a customer without one.
    const target = k === "POST /api/v1/subscriptions" ? { ...w.a, id: (await makeOrg()).id } : w.a;
    let s = SAMPLES[k]!(w, target, !asCustomer);
    // Committing or releasing closes the hold, so each of them gets an open one of its own.
    if (/^POST \/api\/v1\/credits\/reservations\/\{id\}\//.test(k)) s.params = { id: await openHold() };
    if (k === "POST /api/v1/calls/{call_id}/finalize-cost") s = await pricedCall();
    if (k === "POST /api/v1/admin/webhooks/{id}/replay") s = await storedStripeEvent();
    const who: CallOptions = asCustomer ? { key: w.a.key } : { key: w.platform };
    const send = async () => {
      if (k === "POST /api/v1/plans/sync/{plan_id}") s = await stripePlan();
      return call(handler, method, sampleUrl(op.path, s), {
        ...who,
        params: s.params,
        body: method === "GET" ? undefined : s.body,
      });
    };
    const res = NEEDS_STRIPE.has(k) ? await withStripe(send) : await send();
    expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
    const parsed = op.response!.safeParse(res.json);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
