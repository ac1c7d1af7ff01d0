// Spending caps (issue 18, item 5): what usage adds to the bill — here credit overage, rated as the
// period's invoice rates it — against a monthly cap. Hard: refused exactly at the cap (entitlements
// allowed false, consume 402), never a cent before; a retry of a spend answered before the cap
// replays. Soft: alerts at 80 % and 100 %, once each.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as capRoute from "@/app/api/v1/billing/spending-cap/route";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as reserveRoute from "@/app/api/v1/credits/reservations/route";
import * as entitlementRoute from "@/app/api/v1/entitlements/[feature]/route";
import { checkSpendingCaps, setSpendingCap } from "@/lib/billing/spending-cap";
import { grantCredits } from "@/lib/credits/grant-credits";
import { updateCreditSettings } from "@/lib/credits/settings";
import { db } from "@/lib/db/client";
import { alerts } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { invalidateMeters } from "@/lib/metering/meters";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeMeter, makeOrg, makePlan, makeUser, sessionCookie, uid } from "./support/fixtures";

/** A subscribed customer spending into overage at 1 cent a credit, with a cap of `capCents`. */
async function capped(capCents: number, mode: "hard" | "soft") {
  const org = await makeOrg();
  const plan = await makePlan({ basePriceCents: 0 });
  await subscribe(org.id, { plan: { id: plan.id }, actor: "test", skipTrial: true, provider: "local" });
  await updateCreditSettings(org.id, { allowOverage: true, overagePricePerCredit: "0.01" });
  await setSpendingCap(org.id, { amountCents: capCents, mode }, "test");
  const meter = await makeMeter();
  invalidateMeters();
  return { org, meter, key: await customerKey(org.id) };
}

const consume = (key: string, credits: number, idem = `k-${uid()}`) =>
  call<Record<string, unknown>>(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
    key,
    headers: { "idempotency-key": idem },
    body: { credits },
  });

const check = (key: string, meter: string) =>
  call<{ allowed: boolean; reason?: string }>(entitlementRoute.GET, "GET", `/api/v1/entitlements/${meter}`, {
    key,
    params: { feature: meter },
  });

const reserve = (key: string, credits: number, idem = `r-${uid()}`) =>
  call<Record<string, unknown>>(reserveRoute.POST, "POST", "/api/v1/credits/reservations", {
    key,
    headers: { "idempotency-key": idem },
    body: { credits, ttl_seconds: 60 },
  });

describe("a hard spending cap", () => {
  it("allows usage a cent below the cap and refuses it at the cap", async () => {
    const { meter, key } = await capped(300, "hard");
    const first = await consume(key, 299, "spend-1");
    expect(first.status).toBe(200);
    expect((await check(key, meter.code)).json).toMatchObject({ allowed: true });

    expect((await consume(key, 1)).status).toBe(200); // spent 300: the cap is reached
    const refused = await check(key, meter.code);
    expect(refused.json).toMatchObject({ allowed: false, reason: "spending_cap" });
    const blocked = await consume(key, 1);
    expect(blocked.status).toBe(402);
    expect(blocked.json).toMatchObject({ error: { code: "spending_cap_reached" } });
    // A retry of a spend answered before the cap replays its answer, it is not refused.
    const replay = await consume(key, 299, "spend-1");
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("refuses a reservation at the cap, as consume, and not a cent before", async () => {
    // Here the spend is usage billed in arrears (1 cent an event) and the customer holds credits.
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "count" });
    invalidateMeters();
    const plan = await makePlan({
      basePriceCents: 0,
      charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.01" }],
    });
    await subscribe(org.id, { plan: { id: plan.id }, actor: "test", skipTrial: true, provider: "local" });
    await grantCredits(org.id, {
      amount: 100,
      source: "purchased",
      expiresAt: null,
      reason: "test",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
    });
    await setSpendingCap(org.id, { amountCents: 300, mode: "hard" }, "test");
    const key = await customerKey(org.id);
    const use = (n: number) =>
      ingestEvents(
        org.id,
        Array.from({ length: n }, () => ({ eventId: `e-${uid()}`, eventName: meter.eventName, properties: {} })),
      );

    await use(299); // 299 of 300 cents
    const held = await reserve(key, 5, "hold-1");
    expect(held.status).toBe(201);

    await use(1); // 300: the cap is reached
    const blocked = await reserve(key, 5);
    expect(blocked.status).toBe(402);
    expect(blocked.json).toMatchObject({ error: { code: "spending_cap_reached" } });
    // The hold taken before the cap replays on a retry; nothing more is held.
    const replay = await reserve(key, 5, "hold-1");
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json).toMatchObject({ held: 5, balance_after: 95 });
  });

  it("lets usage go on again once the cap is raised", async () => {
    const { org, meter, key } = await capped(100, "hard");
    await consume(key, 100);
    expect((await check(key, meter.code)).json).toMatchObject({ allowed: false });
    await setSpendingCap(org.id, { amountCents: 101, mode: "hard" }, "test");
    expect((await check(key, meter.code)).json).toMatchObject({ allowed: true });
  });

  // The hard cap is cached per process for the spend path: setting, lowering or removing it must
  // reach the very next spend, never one 30 s later.
  it("applies a cap set, lowered or removed between spends to the very next spend", async () => {
    const org = await makeOrg();
    const plan = await makePlan({ basePriceCents: 0 });
    await subscribe(org.id, { plan: { id: plan.id }, actor: "test", skipTrial: true, provider: "local" });
    await updateCreditSettings(org.id, { allowOverage: true, overagePricePerCredit: "0.01" });
    const key = await customerKey(org.id);
    expect((await consume(key, 50)).status).toBe(200); // no cap yet: the spend path has now read "none"

    await setSpendingCap(org.id, { amountCents: 50, mode: "hard" }, "test");
    const refused = await consume(key, 1);
    expect(refused.status).toBe(402);
    expect(refused.json).toMatchObject({ error: { code: "spending_cap_reached" } });

    await setSpendingCap(org.id, { amountCents: null, mode: "hard" }, "test");
    expect((await consume(key, 1)).status).toBe(200);

    await setSpendingCap(org.id, { amountCents: 51, mode: "soft" }, "test");
    expect((await consume(key, 1)).status).toBe(200); // soft: never refused
    await setSpendingCap(org.id, { amountCents: 51, mode: "hard" }, "test");
    expect((await consume(key, 1)).status).toBe(402);
  });
});

describe("a soft spending cap", () => {
  it("never refuses, and alerts at 80 % and 100 % once each", async () => {
    const { org, meter, key } = await capped(1000, "soft");
    await consume(key, 799);
    await checkSpendingCaps();
    const capAlerts = () =>
      db
        .select()
        .from(alerts)
        .where(and(eq(alerts.orgId, org.id), eq(alerts.kind, "spending_cap")));
    expect(await capAlerts()).toEqual([]);
    await consume(key, 1); // 800: 80 %
    await checkSpendingCaps();
    await checkSpendingCaps();
    expect((await capAlerts()).map((a) => a.threshold)).toEqual(["80"]);
    await consume(key, 500); // 1,300: past 100 %
    expect((await check(key, meter.code)).json).toMatchObject({ allowed: true });
    expect((await consume(key, 1)).status).toBe(200);
    await checkSpendingCaps();
    await checkSpendingCaps();
    expect((await capAlerts()).map((a) => a.threshold).sort()).toEqual(["100", "80"]);
  });
});

describe("/api/v1/billing/spending-cap", () => {
  it("shows the owner how close the cap is, and lets only the owner change it", async () => {
    const { org, key } = await capped(2000, "hard");
    await consume(key, 500);
    const owner = await sessionCookie((await makeUser("owner", org.id)).id);
    const member = await sessionCookie((await makeUser("member", org.id)).id);
    const read = await call(capRoute.GET, "GET", "/api/v1/billing/spending-cap", { cookie: member });
    expect(read.json).toMatchObject({
      enabled: true,
      amount_cents: 2000,
      mode: "hard",
      spent_cents: 500,
      percent: 25,
      reached: false,
      currency: "usd",
    });
    const body = { amount_cents: 400, mode: "soft" };
    expect((await call(capRoute.PUT, "PUT", "/api/v1/billing/spending-cap", { cookie: member, body })).status).toBe(
      403,
    );
    const put = await call(capRoute.PUT, "PUT", "/api/v1/billing/spending-cap", { cookie: owner, body });
    expect(put.json).toMatchObject({ amount_cents: 400, mode: "soft", percent: 125, reached: true });
    const removed = await call(capRoute.PUT, "PUT", "/api/v1/billing/spending-cap", {
      cookie: owner,
      body: { amount_cents: null },
    });
    expect(removed.json).toMatchObject({ enabled: false, amount_cents: null });
  });

  it("names the field when the cap is not a whole number of cents", async () => {
    const { key } = await capped(100, "hard");
    const res = await call(capRoute.PUT, "PUT", "/api/v1/billing/spending-cap", {
      key,
      body: { amount_cents: 12.5, mode: "hard" },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain("amount_cents");
  });
});
