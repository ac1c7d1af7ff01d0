// Moving in from Lago: POST /api/v1/imports/lago reads a Lago account's API (a Lago-shaped server
// on loopback) and writes billable metrics as meters, plans with their fee and charges, customers,
// subscriptions on the imported plan and wallets as credits through the ledger — once: a run again
// changes nothing, a price changed at Lago makes a new plan version, a wallet grown grants the difference.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lagoRoute from "@/app/api/v1/imports/lago/route";
import { getCreditBalance } from "@/lib/credits/balance";
import { db } from "@/lib/db/client";
import { creditGrants, importLinks, meters, organizations, plans, subscriptions } from "@/lib/db/schema";
import type { ImportRunJson } from "@/lib/imports/schemas";
import { call, makeOrg, makeUser, sessionCookie, uid } from "./support/fixtures";
import {
  LagoServer,
  lagoCustomer,
  lagoMetric,
  lagoPlan,
  lagoStandardCharge,
  lagoSubscription,
  lagoWallet,
} from "./support/lago-server";

type Run = ImportRunJson;
type Err = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

let server: LagoServer;
let admin: string;
const KEY = `lago_${uid()}`;
const u = uid();
const ids = {
  metric: `bm_${u}`,
  metricCode: `api_calls_${u}`,
  weighted: `bm_w_${u}`,
  plan: `pl_${u}`,
  planCode: `startup_${u}`,
  weekly: `pl_wk_${u}`,
  custA: `lc_a_${u}`,
  custB: `lc_b_${u}`,
  extA: `lago-acme-${u}`,
  extB: `lago-globex-${u}`,
  subA: `ls_a_${u}`,
  subTerminated: `ls_t_${u}`,
  walletA: `lw_a_${u}`,
  walletB: `lw_b_${u}`,
};

const post = (body: Record<string, unknown>, cookie = admin) =>
  call<Run>(lagoRoute.POST, "POST", "/api/v1/imports/lago", { cookie, body });
const apply = () => post({ api_url: `${server.url}/api/v1`, api_key: KEY });
const item = (run: Run, kind: string, sourceId: string) =>
  run.items.find((i) => i.kind === kind && i.source_id === sourceId);
const orgOf = async (externalId: string) =>
  (await db.select().from(organizations).where(eq(organizations.externalId, externalId)))[0];

beforeAll(async () => {
  admin = await sessionCookie((await makeUser("admin", null)).id);
  server = await new LagoServer(KEY, 1).start();
  server.data.billable_metrics.push(
    lagoMetric(ids.metric, ids.metricCode, "count_agg", null),
    lagoMetric(ids.weighted, `seats_${u}`, "weighted_sum_agg", "seats"),
  );
  server.data.plans.push(
    lagoPlan(ids.plan, ids.planCode, {
      amount_cents: 4900,
      trial_period: 14,
      charges: [lagoStandardCharge(`ch_${u}`, ids.metricCode, "0.002")],
    }),
    lagoPlan(ids.weekly, `weekly_${u}`, { amount_cents: 500, interval: "weekly" }),
  );
  server.data.customers.push(lagoCustomer(ids.custA, ids.extA, "Acme"), lagoCustomer(ids.custB, ids.extB, "Globex"));
  server.data.subscriptions.push(
    lagoSubscription(ids.subA, `sub-${ids.extA}`, ids.extA, ids.planCode),
    lagoSubscription(ids.subTerminated, `sub-${ids.extB}`, ids.extB, ids.planCode, "terminated"),
  );
  server.data.wallets.push(lagoWallet(ids.walletA, ids.extA, "100.0"), lagoWallet(ids.walletB, ids.extB, "12.5"));
});

afterAll(() => server.stop());

describe("Lago import", () => {
  it("a dry run lists what would change and writes nothing", async () => {
    const r = await post({ api_url: server.url, api_key: KEY, dry_run: true });
    expect(r.status).toBe(200);
    expect(r.json.counts).toMatchObject({
      meter: { create: 1, skipped: 1 },
      plan: { create: 1, skipped: 1 },
      customer: { create: 2 },
      subscription: { create: 1, skipped: 1 },
      wallet: { create: 1, skipped: 1 },
    });
    expect(item(r.json, "meter", ids.weighted)!.reason).toMatch(/weighted_sum_agg/);
    expect(item(r.json, "plan", ids.weekly)!.reason).toMatch(/weekly/);
    expect(item(r.json, "wallet", ids.walletB)!.reason).toMatch(/whole numbers/);
    expect(item(r.json, "wallet", ids.walletA)).toMatchObject({
      outcome: "create",
      reason: "100 credits",
      tally_id: null,
    });
    // Lago answered one object a page: every page of every list was read.
    expect(server.requests.filter((q) => q.path === "/api/v1/plans").map((q) => q.query.get("page"))).toEqual([
      "1",
      "2",
    ]);
    expect(await orgOf(ids.extA)).toBeUndefined();
    expect(
      await db
        .select()
        .from(plans)
        .where(eq(plans.importId, `lago:${ids.planCode}`)),
    ).toHaveLength(0);
    expect(await db.select().from(meters).where(eq(meters.eventName, ids.metricCode))).toHaveLength(0);
    expect(await db.select().from(importLinks).where(eq(importLinks.sourceId, ids.walletA))).toHaveLength(0);
  });

  it("applies: meters, the plan with its fee and charge, customers, the subscription and the wallet's credits", async () => {
    const r = await apply();
    expect(r.status).toBe(200);
    expect(r.json.counts).toMatchObject({
      meter: { create: 1 },
      plan: { create: 1 },
      customer: { create: 2 },
      subscription: { create: 1 },
      wallet: { create: 1 },
    });
    const [meter] = await db.select().from(meters).where(eq(meters.eventName, ids.metricCode));
    expect(meter).toMatchObject({ code: ids.metricCode, aggregation: "count", property: null });
    const [plan] = await db
      .select()
      .from(plans)
      .where(eq(plans.importId, `lago:${ids.planCode}`));
    expect(plan).toMatchObject({ basePriceCents: 4900, currency: "usd", interval: "month", trialDays: 14 });
    expect(plan!.charges).toEqual([{ type: "usage", meter: ids.metricCode, model: "per_unit", unit_price: "0.002" }]);
    const acme = await orgOf(ids.extA);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, acme!.id));
    expect(sub).toMatchObject({ planId: plan!.id, status: "active", externalId: `sub-${ids.extA}` });
    // Lago's last second of the period becomes the instant the next period begins.
    expect(sub!.currentPeriodEnd.getUTCHours()).toBe(0);
    expect(sub!.currentPeriodEnd.getUTCSeconds()).toBe(0);
    const balance = await getCreditBalance(acme!.id);
    expect(balance!.balance).toBe(100);
    expect(await getCreditBalance((await orgOf(ids.extB))!.id)).toMatchObject({ balance: 0 });
  });

  it("run again: everything unchanged, no second grant, no duplicates", async () => {
    const r = await apply();
    const outcomes = new Set(r.json.items.filter((i) => i.outcome !== "skipped").map((i) => i.outcome));
    expect([...outcomes]).toEqual(["unchanged"]);
    const acme = await orgOf(ids.extA);
    expect((await getCreditBalance(acme!.id))!.balance).toBe(100);
    expect(await db.select().from(creditGrants).where(eq(creditGrants.orgId, acme!.id))).toHaveLength(1);
    expect(await db.select().from(subscriptions).where(eq(subscriptions.orgId, acme!.id))).toHaveLength(1);
    expect(await db.select().from(organizations).where(eq(organizations.externalId, ids.extA))).toHaveLength(1);
  });

  it("a charge changed at Lago makes a new plan version; a wallet topped up grants the difference once", async () => {
    const plan = server.data.plans.find((p) => p.lago_id === ids.plan)!;
    plan.charges = [lagoStandardCharge(`ch_${u}`, ids.metricCode, "0.003")];
    server.data.wallets.find((w) => w.lago_id === ids.walletA)!.credits_balance = "150.0";
    const r = await apply();
    expect(item(r.json, "plan", ids.plan)!.reason).toMatch(/new version v2/);
    expect(item(r.json, "wallet", ids.walletA)).toMatchObject({
      outcome: "update",
      reason: "50 more credits (balance 150)",
    });
    const acme = await orgOf(ids.extA);
    expect((await getCreditBalance(acme!.id))!.balance).toBe(150);
    const again = await apply();
    expect(item(again.json, "wallet", ids.walletA)).toMatchObject({ outcome: "unchanged" });
    expect((await getCreditBalance(acme!.id))!.balance).toBe(150);
    const versions = await db
      .select()
      .from(plans)
      .where(eq(plans.importId, `lago:${ids.planCode}`));
    expect(versions.map((p) => p.version).sort()).toEqual([1, 2]);
  });

  it("a refused key is a 400 naming api_key; a non-admin gets 403", async () => {
    const r = await post({ api_url: server.url, api_key: "nope" });
    expect(r.status).toBe(400);
    expect((r.json as unknown as Err).error.details).toEqual([expect.objectContaining({ field: "api_key" })]);
    expect((r.json as unknown as Err).error.message).toMatch(/Lago refused this key/);
    const org = await makeOrg();
    const owner = await sessionCookie((await makeUser("owner", org.id)).id);
    expect((await post({ api_url: server.url, api_key: KEY }, owner)).status).toBe(403);
  });
});
