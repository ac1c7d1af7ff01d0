// Moving in from FlexPrice: POST /api/v1/imports/flexprice reads a FlexPrice account's API (a
// FlexPrice-shaped server on loopback) and writes meters, plans with their prices, customers and
// subscriptions, and active wallets' credits through the ledger, in one transaction; a dry run lists
// the same changes and writes nothing; a run again changes nothing; a price changed at FlexPrice
// makes a new plan version; a wallet topped up there grants the difference once.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as flexRoute from "@/app/api/v1/imports/flexprice/route";
import * as listRoute from "@/app/api/v1/imports/route";
import { getCreditBalance } from "@/lib/credits/balance";
import { db } from "@/lib/db/client";
import { creditGrants, importLinks, meters, organizations, plans, subscriptions } from "@/lib/db/schema";
import type { ImportRunJson } from "@/lib/imports/schemas";
import { call, customerKey, makeMeter, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import {
  FlexPriceServer,
  flexCustomer,
  flexMeter,
  flexPlan,
  flexPrice,
  flexSubscription,
  flexWallet,
} from "./support/flexprice-server";

type Run = ImportRunJson & { schedule?: unknown };
type Err = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

let server: FlexPriceServer;
let admin: string;
const KEY = `sk_flex_${uid()}`;
const u = uid();
const ids = {
  meter: `meter_${u}`,
  event: `voice_minutes_${u}`,
  plan: `plan_${u}`,
  weekly: `plan_weekly_${u}`,
  custA: `cust_a_${u}`,
  custB: `cust_b_${u}`,
  custC: `cust_c_${u}`,
  extA: `acme-${u}`,
  extB: `globex-${u}`,
  extC: `initech-${u}`,
  subA: `subs_a_${u}`,
  subCanceled: `subs_c_${u}`,
  walletA: `wallet_a_${u}`,
  walletB: `wallet_b_${u}`,
  walletC: `wallet_c_${u}`,
};

const post = (body: Record<string, unknown>, cookie = admin) =>
  call<Run>(flexRoute.POST, "POST", "/api/v1/imports/flexprice", { cookie, body });
const apply = () => post({ api_url: `${server.url}/v1`, api_key: KEY });
const item = (run: Run, kind: string, sourceId: string) =>
  run.items.find((i) => i.kind === kind && i.source_id === sourceId);

beforeAll(async () => {
  admin = await sessionCookie((await makeUser("admin", null)).id);
  server = await new FlexPriceServer(KEY, 2).start();
  server.data.meters.push(flexMeter(ids.meter, ids.event, "SUM", "duration"));
  server.data.plans.push(flexPlan(ids.plan, "Voice Pro"), flexPlan(ids.weekly, "Weekly"));
  server.data.prices.push(
    flexPrice(`price_fee_${u}`, ids.plan, { type: "FIXED", amount: "10.00", display_name: "Monthly Fee" }),
    flexPrice(`price_voice_${u}`, ids.plan, { type: "USAGE", amount: "0.05", meter_id: ids.meter }),
    flexPrice(`price_annual_${u}`, ids.plan, { type: "FIXED", amount: "100.00", billing_period: "ANNUAL" }),
    flexPrice(`price_week_${u}`, ids.weekly, { type: "FIXED", amount: "3.00", billing_period: "WEEKLY" }),
  );
  server.data.customers.push(
    flexCustomer(ids.custA, ids.extA, "Acme"),
    flexCustomer(ids.custB, ids.extB, "Globex"),
    flexCustomer(ids.custC, ids.extC, "Initech"),
  );
  server.data.subscriptions.push(
    flexSubscription(ids.subA, ids.custA, ids.plan),
    flexSubscription(ids.subCanceled, ids.custB, ids.plan, "cancelled"),
  );
  server.data.wallets.push(
    flexWallet(ids.walletA, ids.custA, 250),
    flexWallet(ids.walletB, ids.custB, "12.5"),
    flexWallet(ids.walletC, ids.custC, 40, "frozen"),
  );
});

afterAll(() => server.stop());

describe("FlexPrice import", () => {
  it("a dry run lists what would change and writes nothing", async () => {
    const r = await post({ api_url: server.url, api_key: KEY, dry_run: true });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ source: "flexprice", dry_run: true, status: "succeeded" });
    expect(r.json.counts).toMatchObject({
      meter: { create: 1 },
      plan: { create: 1, skipped: 1 },
      customer: { create: 3 },
      subscription: { create: 1, skipped: 1 },
      wallet: { create: 1, skipped: 2 },
    });
    expect(item(r.json, "wallet", ids.walletA)).toMatchObject({ outcome: "create", reason: "250 credits" });
    expect(item(r.json, "wallet", ids.walletB)!.reason).toMatch(/12.5 credits: Tally credits are whole numbers/);
    expect(item(r.json, "wallet", ids.walletC)!.reason).toBe("frozen at FlexPrice");
    expect(item(r.json, "plan", ids.plan)).toMatchObject({ outcome: "create", tally_id: null });
    expect(item(r.json, "plan", ids.plan)!.reason).toMatch(/other billing periods left out/);
    expect(item(r.json, "plan", ids.weekly)).toMatchObject({ outcome: "skipped" });
    expect(item(r.json, "plan", ids.weekly)!.reason).toMatch(/WEEKLY/);
    expect(item(r.json, "subscription", ids.subCanceled)!.reason).toMatch(/cancelled at FlexPrice/);
    // Every customer was read, though FlexPrice answered two a page.
    expect(server.requests.filter((q) => q.path === "/v1/customers").length).toBe(2);

    expect(await db.select().from(plans).where(eq(plans.importId, ids.plan))).toHaveLength(0);
    expect(await db.select().from(meters).where(eq(meters.eventName, ids.event))).toHaveLength(0);
    expect(await db.select().from(organizations).where(eq(organizations.externalId, ids.extA))).toHaveLength(0);
    expect(await db.select().from(importLinks).where(eq(importLinks.sourceId, ids.custA))).toHaveLength(0);
  });

  it("applies: the meter, the plan with its prices, customers and the subscription on that plan", async () => {
    const r = await apply();
    expect(r.status).toBe(200);
    expect(r.json.counts).toMatchObject({
      meter: { create: 1 },
      plan: { create: 1 },
      customer: { create: 3 },
      subscription: { create: 1 },
      wallet: { create: 1 },
    });
    const [meter] = await db.select().from(meters).where(eq(meters.eventName, ids.event));
    expect(meter).toMatchObject({ aggregation: "sum", property: "duration" });
    const [plan] = await db.select().from(plans).where(eq(plans.importId, ids.plan));
    // The monthly fee paid in advance is the plan's base price (billed at each period's start, in MRR).
    expect(plan).toMatchObject({
      name: "Voice Pro",
      interval: "month",
      currency: "usd",
      basePriceCents: 1000,
      source: "import",
      version: 1,
    });
    expect(plan!.charges).toEqual([{ type: "usage", meter: meter!.code, model: "per_unit", unit_price: "0.05" }]);
    const [acme] = await db.select().from(organizations).where(eq(organizations.externalId, ids.extA));
    expect(acme).toMatchObject({ name: "Acme", email: `${ids.extA}@example.test` });
    const subs = await db.select().from(subscriptions).where(eq(subscriptions.orgId, acme!.id));
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ planId: plan!.id, status: "active", interval: "month" });
    expect(subs[0]!.currentPeriodEnd.toISOString()).toBe(server.data.subscriptions[0]!.current_period_end);
    expect(item(r.json, "subscription", ids.subA)!.tally_id).toBe(subs[0]!.id);
    // The active wallet's credits, granted through the ledger; the others none.
    expect((await getCreditBalance(acme!.id))!.balance).toBe(250);
    const [globex] = await db.select().from(organizations).where(eq(organizations.externalId, ids.extB));
    expect(await getCreditBalance(globex!.id)).toMatchObject({ balance: 0 });

    const list = await call<{ data: Run[] }>(listRoute.GET, "GET", "/api/v1/imports", { cookie: admin });
    expect(list.json.data[0]).toMatchObject({ id: r.json.id, dry_run: false, status: "succeeded" });
    expect(list.json.data[0]!.items.length).toBe(r.json.items.length);
    // The key went to FlexPrice only: no run keeps it.
    expect(JSON.stringify(list.json)).not.toContain(KEY);
  });

  it("run again: everything unchanged, nothing duplicated", async () => {
    const r = await apply();
    expect(r.status).toBe(200);
    const outcomes = new Set(r.json.items.filter((i) => i.outcome !== "skipped").map((i) => i.outcome));
    expect([...outcomes]).toEqual(["unchanged"]);
    expect(r.json.counts).toMatchObject({
      meter: { unchanged: 1 },
      plan: { unchanged: 1 },
      customer: { unchanged: 3 },
      subscription: { unchanged: 1 },
      wallet: { unchanged: 1 },
    });
    expect(await db.select().from(plans).where(eq(plans.importId, ids.plan))).toHaveLength(1);
    expect(await db.select().from(organizations).where(eq(organizations.externalId, ids.extA))).toHaveLength(1);
    expect(await db.select().from(meters).where(eq(meters.eventName, ids.event))).toHaveLength(1);
    const [acme] = await db.select().from(organizations).where(eq(organizations.externalId, ids.extA));
    expect((await getCreditBalance(acme!.id))!.balance).toBe(250);
    expect(await db.select().from(creditGrants).where(eq(creditGrants.orgId, acme!.id))).toHaveLength(1);
  });

  it("a wallet topped up at FlexPrice grants the difference, once", async () => {
    server.data.wallets.find((w) => w.id === ids.walletA)!.credit_balance = "300";
    const r = await apply();
    expect(item(r.json, "wallet", ids.walletA)).toMatchObject({
      outcome: "update",
      reason: "50 more credits (balance 300)",
    });
    const [acme] = await db.select().from(organizations).where(eq(organizations.externalId, ids.extA));
    expect((await getCreditBalance(acme!.id))!.balance).toBe(300);
    const again = await apply();
    expect(item(again.json, "wallet", ids.walletA)).toMatchObject({ outcome: "unchanged" });
    expect((await getCreditBalance(acme!.id))!.balance).toBe(300);
  });

  it("a price changed at FlexPrice makes a new plan version; the subscriber stays on the old one", async () => {
    const voice = server.data.prices.find((p) => p.id === `price_voice_${u}`)!;
    voice.amount = "0.06";
    const customer = server.data.customers.find((c) => c.id === ids.custC)!;
    customer.name = "Initech Corp";
    const r = await apply();
    expect(item(r.json, "plan", ids.plan)).toMatchObject({ outcome: "update" });
    expect(item(r.json, "plan", ids.plan)!.reason).toMatch(/new version v2/);
    expect(item(r.json, "customer", ids.custC)).toMatchObject({ outcome: "update", reason: "name changed" });
    const versions = await db.select().from(plans).where(eq(plans.importId, ids.plan));
    expect(versions.map((p) => p.version).sort()).toEqual([1, 2]);
    const v2 = versions.find((p) => p.version === 2)!;
    expect(v2.charges).toContainEqual(expect.objectContaining({ unit_price: "0.06" }));
    const [acme] = await db.select().from(organizations).where(eq(organizations.externalId, ids.extA));
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, acme!.id));
    expect(sub!.planId).toBe(versions.find((p) => p.version === 1)!.id);
    expect(item(r.json, "subscription", ids.subA)).toMatchObject({ outcome: "unchanged" });
  });

  it("two runs at once (an admin's and the schedule's) make nothing twice", async () => {
    const id = `cust_twice_${uid()}`;
    const external = `twice-${uid()}`;
    server.data.customers.push(flexCustomer(id, external, "Twice"));
    const [a, b] = await Promise.all([apply(), apply()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([item(a.json, "customer", id)!.outcome, item(b.json, "customer", id)!.outcome].sort()).toEqual([
      "create",
      "unchanged",
    ]);
    expect(await db.select().from(organizations).where(eq(organizations.externalId, external))).toHaveLength(1);
    server.data.customers.pop();
  });

  it("a subscription moved to another plan at FlexPrice is reported, not changed behind the customer's back", async () => {
    const planId = `plan_other_${uid()}`;
    server.data.plans.push(flexPlan(planId, "Voice Max"));
    server.data.prices.push(flexPrice(`price_${planId}`, planId, { type: "FIXED", amount: "99.00" }));
    const sub = server.data.subscriptions.find((x) => x.id === ids.subA)!;
    sub.plan_id = planId;
    const r = await apply();
    expect(item(r.json, "subscription", ids.subA)).toMatchObject({ outcome: "skipped" });
    expect(item(r.json, "subscription", ids.subA)!.reason).toMatch(/on another plan at FlexPrice now \(Voice Max\)/);
    const [acme] = await db.select().from(organizations).where(eq(organizations.externalId, ids.extA));
    const [tallySub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, acme!.id));
    const [onPlan] = await db.select().from(plans).where(eq(plans.id, tallySub!.planId));
    expect(onPlan!.importId).toBe(ids.plan);
    sub.plan_id = ids.plan;
  });

  it("links a customer Tally already has by external_id instead of making another", async () => {
    const existing = await makeOrg("Already here");
    const id = `cust_x_${uid()}`;
    server.data.customers.push(flexCustomer(id, existing.externalId!, "Renamed at FlexPrice"));
    const r = await post({ api_url: server.url, api_key: KEY, dry_run: true });
    expect(item(r.json, "customer", id)).toMatchObject({ outcome: "update", tally_id: existing.id });
    expect(item(r.json, "customer", id)!.reason).toMatch(/linked to the existing customer/);
    server.data.customers.pop();
  });

  it("a meter Tally already has under the same code, counting otherwise, is skipped, and so is the plan priced on it", async () => {
    const event = `clashing_${uid()}`;
    await makeMeter({ code: event, eventName: event, aggregation: "count" });
    const meterId = `meter_clash_${uid()}`;
    const planId = `plan_clash_${uid()}`;
    server.data.meters.push(flexMeter(meterId, event, "SUM", "value"));
    server.data.plans.push(flexPlan(planId, "Clash"));
    server.data.prices.push(flexPrice(`price_${planId}`, planId, { type: "USAGE", amount: "1", meter_id: meterId }));
    const r = await post({ api_url: server.url, api_key: KEY, dry_run: true });
    expect(item(r.json, "meter", meterId)!.reason).toMatch(/already exists and counts count/);
    expect(item(r.json, "plan", planId)).toMatchObject({
      outcome: "skipped",
      reason: `its meter ${event} was not imported`,
    });
    server.data.meters.pop();
    server.data.plans.pop();
    server.data.prices.pop();
  });

  it("a refused key is a 400 naming api_key, recorded as a failed run; nothing written", async () => {
    const r = await post({ api_url: server.url, api_key: "wrong" });
    expect(r.status).toBe(400);
    expect((r.json as unknown as Err).error.details).toEqual([expect.objectContaining({ field: "api_key" })]);
    const list = await call<{ data: Run[] }>(listRoute.GET, "GET", "/api/v1/imports", { cookie: admin });
    expect(list.json.data[0]).toMatchObject({ status: "failed", counts: null });
    expect(list.json.data[0]!.error).toMatch(/FlexPrice refused this key/);
  });

  it("an unreachable FlexPrice is a 503 naming the source; a URL that is not http(s) a 400 naming api_url", async () => {
    const down = await new FlexPriceServer(KEY).start();
    const url = down.url;
    await down.stop();
    const r = await post({ api_url: url, api_key: KEY });
    expect(r.status).toBe(503);
    expect((r.json as unknown as Err).error.message).toMatch(/FlexPrice could not be read/);
    const bad = await post({ api_url: "file:///etc/passwd", api_key: KEY });
    expect(bad.status).toBe(400);
    expect((bad.json as unknown as Err).error.details).toEqual([expect.objectContaining({ field: "api_url" })]);
    const elsewhere = await post({ api_url: `${server.url}/not-flexprice`, api_key: KEY });
    expect(elsewhere.status).toBe(400);
    expect((elsewhere.json as unknown as Err).error.details).toEqual([
      { field: "api_url", message: "nothing at /not-flexprice/v1/meters: is this FlexPrice's API address?" },
    ]);
    const missing = await post({ api_url: server.url });
    expect(missing.status).toBe(400);
    expect((missing.json as unknown as Err).error.details).toEqual([expect.objectContaining({ field: "api_key" })]);
  });

  it("is for admins and platform keys only", async () => {
    const org = await makeOrg();
    const member = await sessionCookie((await makeUser("owner", org.id)).id);
    expect((await post({ api_url: server.url, api_key: KEY }, member)).status).toBe(403);
    const key = await customerKey(org.id);
    const r = await call(listRoute.GET, "GET", "/api/v1/imports", { key });
    expect(r.status).toBe(403);
    const platform = await platformKey();
    const ok = await call<Run>(flexRoute.POST, "POST", "/api/v1/imports/flexprice", {
      key: platform,
      body: { api_url: server.url, api_key: KEY, dry_run: true },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.started_by).toMatch(/^key:/);
  });
});
