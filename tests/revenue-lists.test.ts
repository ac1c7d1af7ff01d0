// The admin's lists (customers, subscriptions) and CSV exports: search, filters, sorting, cursor
// pages that cover every row exactly once, and streamed CSV files.
import { beforeAll, describe, expect, it } from "vitest";
import * as customersRoute from "@/app/api/v1/admin/billing/customers/route";
import * as subsRoute from "@/app/api/v1/admin/billing/subscriptions/route";
import * as customersCsvRoute from "@/app/api/v1/admin/export/customers.csv/route";
import * as subscriptionsCsvRoute from "@/app/api/v1/admin/export/subscriptions.csv/route";
import * as invoicesCsvRoute from "@/app/api/v1/admin/export/invoices.csv/route";
import { db } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { grantCredits } from "@/lib/credits/grant-credits";
import { newId } from "@/lib/ids";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, makeOrg, makePlan, platformKey, uid } from "./support/fixtures";

type CustomerOut = {
  id: string;
  name: string;
  status: string | null;
  mrr_cents: number;
  credit_balance: number;
  plan: { tier: string } | null;
};
type ListOut<T> = { data: T[]; next_cursor: string | null };

let key: string;
const tag = uid();
const named: Record<string, string> = {};

beforeAll(async () => {
  key = await platformKey();
  const basic = await makePlan({ tier: `basic-${tag}`, basePriceCents: 2900 });
  const pro = await makePlan({ tier: `pro-${tag}`, basePriceCents: 9900 });
  const yearly = await makePlan({ tier: `pro-${tag}`, basePriceCents: 99000, interval: "year" });
  const specs: [string, typeof basic | null][] = [
    ["Ant", basic],
    ["Bee", pro],
    ["Cat", yearly],
    ["Dog", null],
    ["Eel", pro],
  ];
  for (const [name, plan] of specs) {
    const org = await makeOrg(`${name} ${tag}`);
    named[name] = org.id;
    if (plan) await subscribe(org.id, { plan: { id: plan.id }, actor: "test", now: new Date("2026-01-10T00:00:00Z") });
  }
  await grantCredits(named.Dog!, {
    amount: 750,
    source: "promotional",
    expiresAt: null,
    reason: "test",
    idempotencyKey: `g-${tag}`,
    actor: "test",
  });
});

async function allPages<T extends { id: string }>(handler: typeof customersRoute.GET, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const res: { status: number; json: ListOut<T> } = await call<ListOut<T>>(
      handler,
      "GET",
      `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { key },
    );
    expect(res.status).toBe(200);
    out.push(...res.json.data);
    cursor = res.json.next_cursor;
    if (!cursor) return out;
  }
  throw new Error("too many pages");
}

describe("admin customer list", () => {
  it("finds customers by part of their name, with plan, status, MRR and credit balance", async () => {
    const res = await call<ListOut<CustomerOut>>(
      customersRoute.GET,
      "GET",
      `/api/v1/admin/billing/customers?limit=100&search=${tag}`,
      { key },
    );
    const byName = Object.fromEntries(res.json.data.map((c) => [c.name.split(" ")[0], c]));
    expect(Object.keys(byName).sort()).toEqual(["Ant", "Bee", "Cat", "Dog", "Eel"]);
    expect(byName.Ant).toMatchObject({ status: "active", mrr_cents: 2900, plan: { tier: `basic-${tag}` } });
    expect(byName.Cat).toMatchObject({ status: "active", mrr_cents: 8250 });
    expect(byName.Dog).toMatchObject({ status: null, plan: null, mrr_cents: 0, credit_balance: 750 });
  });

  it("sorts by MRR across cursor pages of two, each customer exactly once", async () => {
    const rows = await allPages<CustomerOut>(
      customersRoute.GET,
      `/api/v1/admin/billing/customers?limit=2&search=${tag}&sort=mrr&order=desc`,
    );
    const names = rows.map((r) => r.name.split(" ")[0]);
    // Bee and Eel tie at 99.00 (then by id), then Cat 82.50, Ant 29.00, Dog 0.
    expect(new Set(names.slice(0, 2))).toEqual(new Set(["Bee", "Eel"]));
    expect(names.slice(2)).toEqual(["Cat", "Ant", "Dog"]);
    expect(rows.map((r) => r.mrr_cents)).toEqual([9900, 9900, 8250, 2900, 0]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(5);
  });

  it("sorts by name ascending across pages", async () => {
    const rows = await allPages<CustomerOut>(
      customersRoute.GET,
      `/api/v1/admin/billing/customers?limit=2&search=${tag}&sort=name`,
    );
    expect(rows.map((r) => r.name.split(" ")[0])).toEqual(["Ant", "Bee", "Cat", "Dog", "Eel"]);
  });

  it("filters by status and by tier; 'none' lists customers without a subscription", async () => {
    const none = await call<ListOut<CustomerOut>>(
      customersRoute.GET,
      "GET",
      `/api/v1/admin/billing/customers?search=${tag}&status=none`,
      { key },
    );
    expect(none.json.data.map((c) => c.id)).toEqual([named.Dog]);
    const pro = await call<ListOut<CustomerOut>>(
      customersRoute.GET,
      "GET",
      `/api/v1/admin/billing/customers?tier=pro-${tag}`,
      { key },
    );
    expect(pro.json.data.map((c) => c.id).sort()).toEqual([named.Bee, named.Cat, named.Eel].sort());
  });

  it("refuses a cursor it did not issue and an unknown sort, naming the field", async () => {
    const bad = await call<{ error: { details: { field: string }[] } }>(
      customersRoute.GET,
      "GET",
      "/api/v1/admin/billing/customers?cursor=nonsense",
      { key },
    );
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0]!.field).toBe("cursor");
    const sort = await call<{ error: { details: { field: string }[] } }>(
      customersRoute.GET,
      "GET",
      "/api/v1/admin/billing/customers?sort=height",
      { key },
    );
    expect(sort.status).toBe(400);
    expect(sort.json.error.details[0]!.field).toBe("sort");
  });
});

describe("admin subscription list", () => {
  it("pages live subscriptions of a tier by period end without repeating one", async () => {
    const rows = await allPages<{ id: string; customer_id: string; status: string }>(
      subsRoute.GET,
      `/api/v1/admin/billing/subscriptions?status=live&tier=pro-${tag}&limit=1&sort=period_end`,
    );
    expect(rows.map((r) => r.customer_id).sort()).toEqual([named.Bee, named.Cat, named.Eel].sort());
    // Period ends: Bee and Eel monthly (Feb 10), Cat yearly (next January): Cat last.
    expect(rows[2]!.customer_id).toBe(named.Cat);
  });
});

async function csv(handler: typeof customersCsvRoute.GET, path: string) {
  const res = await handler(new Request(`http://tally.test${path}`, { headers: { authorization: `Bearer ${key}` } }));
  const reader = res.body!.getReader();
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(decoder.decode(value));
  }
  return { res, chunks, lines: chunks.join("").trimEnd().split("\n") };
}

describe("CSV exports", () => {
  it("streams every customer in batches of 1,000 with a header, neutralizing formula-like names", async () => {
    // 2,100 more customers, inserted in one statement so the export crosses two batch boundaries.
    const many = Array.from({ length: 2100 }, (_, i) => ({
      id: newId("org"),
      name: i === 0 ? `=HYPERLINK("x") ${tag}` : `Bulk ${i} ${tag}`,
    }));
    await db.insert(organizations).values(many);
    const { res, chunks, lines } = await csv(customersCsvRoute.GET, "/api/v1/admin/export/customers.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain("customers.csv");
    expect(lines[0]).toBe(
      "id,name,email,external_id,created_at,status,plan,tier,interval,base_price_cents,discount_percent,mrr_cents,currency,credit_balance,usage_charges_this_month_cents",
    );
    const ids = lines.slice(1).map((l) => l.split(",")[0]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [...Object.values(named), many[0]!.id, many[2099]!.id]) expect(ids).toContain(id);
    // Header + at least three batches arrive as separate chunks: the file is never built whole.
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    const formula = lines.find((l) => l.startsWith(many[0]!.id))!;
    expect(formula).toContain(`"'=HYPERLINK(""x"") ${tag}"`);
    const cat = lines.find((l) => l.startsWith(named.Cat!))!;
    expect(cat).toContain(",active,");
    expect(cat).toContain(",8250,usd,");
  });

  it("exports subscriptions and the invoices issued in a range", async () => {
    const subs = await csv(subscriptionsCsvRoute.GET, "/api/v1/admin/export/subscriptions.csv");
    expect(subs.lines[0]!.startsWith("id,customer_id,customer_name")).toBe(true);
    expect(subs.lines.filter((l) => l.includes(tag))).toHaveLength(4);
    // The four paid subscriptions were invoiced at 2026-01-10.
    const inRange = await csv(
      invoicesCsvRoute.GET,
      "/api/v1/admin/export/invoices.csv?from=2026-01-10T00:00:00Z&to=2026-01-11T00:00:00Z",
    );
    expect(inRange.lines.filter((l) => l.includes(tag))).toHaveLength(4);
    const none = await csv(invoicesCsvRoute.GET, "/api/v1/admin/export/invoices.csv?from=2030-01-01T00:00:00Z");
    expect(none.lines).toHaveLength(1);
  });
});
