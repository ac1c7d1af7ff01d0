// A route's declared response schema (its doc.response: what the OpenAPI document shows and the
// type the pages and React Query hooks use) is what the route answers: each such operation's sample
// request (tests/support/api-samples.ts), sent against the seeded world as the operator, or as
// customer A where only a customer may call, answers a body the schema parses, with no field the
// schema leaves out.
import * as reservationsRoute from "@/app/api/v1/credits/reservations/route";
import { beforeAll, describe, expect, it } from "vitest";
import { operations } from "./support/api-operations";
import { SAMPLES, routeFile, sampleUrl } from "./support/api-samples";
import { call, makeOrg, type CallOptions } from "./support/fixtures";
import { seedWorld, type World } from "./support/world";

type Handler = Parameters<typeof call>[0];

let w: World;
beforeAll(async () => {
  w = await seedWorld();
}, 120_000);

async function openHold(): Promise<string> {
  const res = await call(reservationsRoute.POST, "POST", "/api/v1/credits/reservations", {
    key: w.platform,
    body: { customer_id: w.a.id, credits: 1, ttl_seconds: 3600, idempotency_key: `hold-${crypto.randomUUID()}` },
  });
  return (res.json as { id: string }).id;
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
    const s = SAMPLES[k]!(w, target, !asCustomer);
    // Committing or releasing closes the hold, so each of them gets an open one of its own.
    if (/^POST \/api\/v1\/credits\/reservations\/\{id\}\//.test(k)) s.params = { id: await openHold() };
    const who: CallOptions = asCustomer ? { key: w.a.key } : { key: w.platform };
    const res = await call(handler, method, sampleUrl(op.path, s), {
      ...who,
      params: s.params,
      body: method === "GET" ? undefined : s.body,
    });
    expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
    const parsed = op.response!.safeParse(res.json);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
