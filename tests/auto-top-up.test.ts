// Auto top-up (issue 18, item 4): below the threshold, the saved card buys the chosen pack once per
// crossing — however many spends cross together — within the monthly limit; a declined card
// raises an alert and is not retried; invoice billing issues an open invoice instead.
import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as autoTopUpRoute from "@/app/api/v1/credits/auto-top-up/route";
import { insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { setAutoTopUp } from "@/lib/credits/auto-top-up";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { db, rows } from "@/lib/db/client";
import { alerts, autoTopUps, creditGrants, invoices, jobs, payments } from "@/lib/db/schema";
import { resetEnvCache } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { runDueJobs } from "@/lib/jobs/outbox";
import { recordOfflinePayment } from "@/lib/payments/offline-payment";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import "@/lib/payments/auto-top-up-charge";
import { call, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

const onPostgres = process.env.TEST_DB === "postgres";

function setRail(rail: string | undefined) {
  if (rail === undefined) delete process.env.PAYMENTS;
  else process.env.PAYMENTS = rail;
  resetEnvCache();
}
beforeEach(() => setRail("sandbox"));
afterEach(() => setRail(undefined));

const makePack = () =>
  insertCreditProduct({
    code: `atu-${uid()}`,
    name: "2,500 credits",
    credits: 2500,
    priceCents: 2000,
    currency: "usd",
  });

async function balanceOf(orgId: string): Promise<number> {
  const [b] = await rows<{ balance: number }>(
    sql`select balance::int as balance from credit_balances where org_id = ${orgId}`,
  );
  return b?.balance ?? 0;
}

const topUpJobs = (orgId: string) =>
  db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.kind, "credits.auto_top_up")));
const topUpsOf = (orgId: string) => db.select().from(autoTopUps).where(eq(autoTopUps.orgId, orgId));
const spend = (orgId: string, credits: number) =>
  consumeCredits(orgId, { credits, idempotencyKey: uid(), actor: "test" });

/** A customer with a saved sandbox card, 1,000 credits and auto top-up below 500. */
async function customer(opts: { card?: string; maxPerMonth?: number; balance?: number } = {}) {
  const org = await makeOrg();
  const pack = await makePack();
  await addSandboxCard(db, org.id, { number: opts.card ?? "4242424242424242" });
  await grantCredits(org.id, {
    amount: opts.balance ?? 1000,
    source: "promotional",
    expiresAt: null,
    reason: "start",
    idempotencyKey: uid(),
    actor: "test",
  });
  await setAutoTopUp(
    org.id,
    { enabled: true, thresholdCredits: 500, creditProductId: pack.id, maxPerMonth: opts.maxPerMonth ?? 3 },
    "test",
  );
  return { org, pack };
}

describe("auto top-up on the sandbox", () => {
  it("buys the pack once when concurrent spends cross the threshold together", { timeout: 60_000 }, async () => {
    const { org } = await customer();
    const n = onPostgres ? 20 : 8;
    // n spends of 75 from 1,000: the balance crosses 500 once, somewhere in the middle.
    const each = Math.ceil(600 / n);
    await Promise.all(Array.from({ length: n }, () => spend(org.id, each)));
    const after = 1000 - n * each;
    expect(await balanceOf(org.id)).toBe(after);
    expect(await topUpJobs(org.id)).toHaveLength(1);

    await runDueJobs();
    await runDueJobs();
    const [topUp, ...more] = await topUpsOf(org.id);
    expect(more).toHaveLength(0);
    expect(topUp).toMatchObject({ status: "succeeded", credits: 2500, amountCents: 2000, provider: "local" });
    expect(await balanceOf(org.id)).toBe(after + 2500);
    // The credits came as a purchase of that payment, like a checkout's.
    const grants = await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id));
    expect(grants.filter((g) => g.origin === "purchase")).toMatchObject([
      { amount: 2500, reference: topUp!.providerPaymentId, livemode: false },
    ]);
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("buys again at the next crossing, and not while the balance stays below", async () => {
    const { org } = await customer();
    await spend(org.id, 600); // 400: crossing 1
    await spend(org.id, 100); // 300: still below, no crossing
    expect(await topUpJobs(org.id)).toHaveLength(1);
    await runDueJobs(); // +2,500 → 2,800
    await spend(org.id, 2400); // 400: crossing 2
    await runDueJobs();
    const ups = await topUpsOf(org.id);
    expect(ups.map((u) => u.status)).toEqual(["succeeded", "succeeded"]);
    expect(await balanceOf(org.id)).toBe(400 + 2500);
  });

  it("skips a crossing beyond the monthly limit and says so", async () => {
    const { org } = await customer({ maxPerMonth: 1 });
    await spend(org.id, 600);
    await runDueJobs();
    await spend(org.id, 2500); // 400 again
    await runDueJobs();
    const ups = await topUpsOf(org.id);
    expect(ups.map((u) => u.status).sort()).toEqual(["skipped", "succeeded"]);
    expect(ups.find((u) => u.status === "skipped")!.message).toMatch(/Monthly limit reached: 1 automatic top-up/);
    const raised = await db.select().from(alerts).where(eq(alerts.orgId, org.id));
    expect(raised.filter((a) => a.kind === "auto_top_up")).toHaveLength(1);
    expect(await balanceOf(org.id)).toBe(400);
  });

  it("raises an alert for a declined card and does not retry it", async () => {
    const { org } = await customer({ card: "4000000000000002" });
    await spend(org.id, 600);
    await runDueJobs();
    await runDueJobs();
    const [up] = await topUpsOf(org.id);
    expect(up).toMatchObject({ status: "failed", message: "Your card was declined." });
    const [job] = await topUpJobs(org.id);
    expect(job!.status).toBe("done");
    const [alert] = await db
      .select()
      .from(alerts)
      .where(and(eq(alerts.orgId, org.id), eq(alerts.kind, "auto_top_up")));
    expect(alert!.message).toMatch(/Automatic top-up failed: Your card was declined/);
    const failed = await db.select().from(payments).where(eq(payments.orgId, org.id));
    expect(failed.map((p) => p.status)).toEqual(["failed"]);
    // Still below: further spends are not new crossings, so nothing tries again.
    await spend(org.id, 50);
    expect(await topUpJobs(org.id)).toHaveLength(1);
    expect(await balanceOf(org.id)).toBe(350);
  });

  it("buys at once when turned on below the threshold, once however often it is toggled", async () => {
    const { org, pack } = await customer({ balance: 100 });
    const settings = { thresholdCredits: 500, creditProductId: pack.id, maxPerMonth: 3 };
    await setAutoTopUp(org.id, { ...settings, enabled: false }, "test");
    await setAutoTopUp(org.id, { ...settings, enabled: true }, "test");
    await runDueJobs();
    expect((await topUpsOf(org.id)).map((u) => u.status)).toEqual(["succeeded"]);
    expect(await balanceOf(org.id)).toBe(2600);
  });

  it("does nothing when turned off before the job runs", async () => {
    const { org, pack } = await customer();
    await spend(org.id, 600);
    await setAutoTopUp(
      org.id,
      { enabled: false, thresholdCredits: 500, creditProductId: pack.id, maxPerMonth: 3 },
      "t",
    );
    await runDueJobs();
    expect(await topUpsOf(org.id)).toEqual([]);
    // Off: crossing again enqueues nothing.
    await grantCredits(org.id, {
      amount: 500,
      source: "promotional",
      expiresAt: null,
      reason: "x",
      idempotencyKey: uid(),
      actor: "t",
    });
    await spend(org.id, 600);
    expect(await topUpJobs(org.id)).toHaveLength(1);
  });
});

describe("auto top-up on invoice billing", () => {
  it("issues an open invoice, and paying it grants the pack", async () => {
    setRail("invoice");
    const org = await makeOrg();
    const pack = await makePack();
    await grantCredits(org.id, {
      amount: 1000,
      source: "promotional",
      expiresAt: null,
      reason: "s",
      idempotencyKey: uid(),
      actor: "t",
    });
    await setAutoTopUp(org.id, { enabled: true, thresholdCredits: 500, creditProductId: pack.id, maxPerMonth: 3 }, "t");
    await spend(org.id, 600);
    await runDueJobs();
    const [up] = await topUpsOf(org.id);
    expect(up).toMatchObject({ status: "invoiced", provider: "manual" });
    const [inv] = await db.select().from(invoices).where(eq(invoices.id, up!.invoiceId!));
    expect(inv).toMatchObject({ status: "open", amountDueCents: 2000 });
    expect(await balanceOf(org.id)).toBe(400);
    await recordOfflinePayment(inv!.id, { method: "bank_transfer", reference: "wire-1" }, "user:ops");
    expect(await balanceOf(org.id)).toBe(2900);
  });
});

describe("PUT /api/v1/credits/auto-top-up", () => {
  it("refuses to turn on without a saved card, naming the field", async () => {
    const org = await makeOrg();
    const pack = await makePack();
    const res = await call(autoTopUpRoute.PUT, "PUT", "/api/v1/credits/auto-top-up", {
      key: await platformKey(),
      body: { customer_id: org.id, enabled: true, threshold_credits: 100, credit_product_id: pack.id },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain("enabled");
  });

  it("lets the owner set it and a member read it but not change it", async () => {
    const org = await makeOrg();
    const pack = await makePack();
    await addSandboxCard(db, org.id, { number: "4242424242424242" });
    const owner = await sessionCookie((await makeUser("owner", org.id)).id);
    const member = await sessionCookie((await makeUser("member", org.id)).id);
    const body = { enabled: true, threshold_credits: 200, credit_product_id: pack.id, max_per_month: 2 };
    const put = await call(autoTopUpRoute.PUT, "PUT", "/api/v1/credits/auto-top-up", { cookie: owner, body });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ enabled: true, threshold_credits: 200, max_per_month: 2, used_this_month: 0 });
    const refused = await call(autoTopUpRoute.PUT, "PUT", "/api/v1/credits/auto-top-up", { cookie: member, body });
    expect(refused.status).toBe(403);
    const read = await call(autoTopUpRoute.GET, "GET", "/api/v1/credits/auto-top-up", { cookie: member });
    expect(read.json).toMatchObject({ enabled: true, credit_product_id: pack.id, history: [] });
  });

  it("rejects a threshold that is not a whole number of credits", async () => {
    const org = await makeOrg();
    const pack = await makePack();
    await expect(
      setAutoTopUp(org.id, { enabled: false, thresholdCredits: 0.5, creditProductId: pack.id, maxPerMonth: 1 }, "t"),
    ).rejects.toBeInstanceOf(AppError);
  });
});
