import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { insertPlan } from "@/lib/catalog/seed-catalog";
import { allocateDueCredits, allocateIncludedCredits, allocationReason } from "@/lib/credits/allocate-credits";
import { getCreditBalance } from "@/lib/credits/balance";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { onLowBalance } from "@/lib/credits/low-balance";
import { db, rows } from "@/lib/db/client";
import type { PlanInterval } from "@/lib/db/schema";
import { afterPeriodStarted } from "@/lib/subscriptions/hooks";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { makeOrg, uid } from "./support/fixtures";

vi.mock("@/lib/credits/low-balance", () => ({ onLowBalance: vi.fn(async () => {}) }));

beforeEach(() => {
  vi.mocked(onLowBalance).mockClear();
});

async function plan(interval: PlanInterval, includedCredits: number, trialDays = 0) {
  return insertPlan({
    code: `p-${uid()}`,
    tier: "test",
    name: "Test plan",
    interval,
    includedCredits,
    trialDays,
    basePriceCents: 1_000,
  });
}

type GrantRow = {
  id: string;
  amount: number;
  source: string;
  origin: string;
  expires_at: Date;
  idempotency_key: string;
  expired: boolean;
};
const grantsOf = (orgId: string) =>
  rows<GrantRow>(
    sql`select id, amount::int as amount, source, origin, expires_at, idempotency_key, expired_at is not null as expired from credit_grants where org_id = ${orgId} order by created_at, id`,
  );

describe("included credits at period start", () => {
  it("grants a monthly plan's credits as a subscription bucket expiring at the period end", async () => {
    const org = await makeOrg();
    const p = await plan("month", 1_000);
    const sub = await subscribe(org.id, { plan: { id: p.id }, actor: "test" });
    const grants = await grantsOf(org.id);
    expect(grants).toEqual([
      expect.objectContaining({
        amount: 1_000,
        source: "subscription",
        origin: "allocation",
        idempotency_key: `alloc:${sub.id}:${sub.currentPeriodStart.toISOString()}`,
      }),
    ]);
    expect(new Date(grants[0]!.expires_at).getTime()).toBe(sub.currentPeriodEnd.getTime());
    expect((await getCreditBalance(org.id))!.balance).toBe(1_000);
  });

  it("never grants one period twice, however often and concurrently the hook runs", async () => {
    const org = await makeOrg();
    const p = await plan("month", 500);
    const sub = await subscribe(org.id, { plan: { id: p.id }, actor: "test" });
    await db.transaction((tx) => afterPeriodStarted(tx, sub, p, new Date()));
    await Promise.all(
      Array.from({ length: 5 }, () => db.transaction((tx) => allocateIncludedCredits(tx, sub, p, new Date()))),
    );
    await Promise.all([allocateDueCredits(new Date()), allocateDueCredits(new Date())]);
    expect(await grantsOf(org.id)).toHaveLength(1);
    expect((await getCreditBalance(org.id))!.balance).toBe(500);
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("gives nothing for a plan without included credits or an incomplete subscription", async () => {
    const none = await makeOrg();
    await subscribe(none.id, { plan: { id: (await plan("month", 0)).id }, actor: "test" });
    const unpaid = await makeOrg();
    await subscribe(unpaid.id, { plan: { id: (await plan("month", 100)).id }, actor: "test", status: "incomplete" });
    await allocateDueCredits(new Date());
    expect(await grantsOf(none.id)).toEqual([]);
    expect(await grantsOf(unpaid.id)).toEqual([]);
  });
});

describe("yearly plans", () => {
  it("grant their credits month by month on a schedule of their own, once a month, and last month's lapse", async () => {
    const org = await makeOrg();
    const p = await plan("year", 300);
    const t0 = new Date(Date.now() - 45 * 86_400_000);
    const sub = await subscribe(org.id, { plan: { id: p.id }, actor: "test", now: t0 });
    expect(await grantsOf(org.id)).toHaveLength(1);
    const now = new Date();
    await Promise.all([allocateDueCredits(now), allocateDueCredits(now), allocateDueCredits(now)]);
    await allocateDueCredits(now);
    const grants = await grantsOf(org.id);
    expect(grants).toHaveLength(2);
    const [first, second] = grants;
    expect(first).toMatchObject({ amount: 300, expired: true });
    expect(second).toMatchObject({ amount: 300, expired: false });
    const monthTwo = new Date(sub.currentPeriodStart);
    monthTwo.setUTCMonth(monthTwo.getUTCMonth() + 1);
    expect(second!.idempotency_key).toBe(`alloc:${sub.id}:${monthTwo.toISOString()}`);
    expect(new Date(first!.expires_at).getTime()).toBe(monthTwo.getTime());
    const b = (await getCreditBalance(org.id))!;
    expect(b.balance).toBe(300);
    const [expired] = await rows<{ n: number }>(
      sql`select count(*)::int as n from credit_ledger where org_id = ${org.id} and kind = 'expire' and bucket_id = ${first!.id} and amount = -300`,
    );
    expect(expired!.n).toBe(1);
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("during a trial grant the trial's credits once, and the job adds nothing", async () => {
    const org = await makeOrg();
    const p = await plan("year", 200, 14);
    const sub = await subscribe(org.id, { plan: { id: p.id }, actor: "test" });
    expect(sub.status).toBe("trialing");
    await allocateDueCredits(new Date());
    const grants = await grantsOf(org.id);
    expect(grants).toHaveLength(1);
    expect(new Date(grants[0]!.expires_at).getTime()).toBe(sub.trialEnd!.getTime());
  });
});

describe("low balance", () => {
  it("reports once when a spend takes the balance below 10 % of the last allocation", async () => {
    const org = await makeOrg();
    const p = await plan("month", 1_000);
    await subscribe(org.id, { plan: { id: p.id }, actor: "test" });
    await consumeCredits(org.id, { credits: 850, idempotencyKey: uid(), actor: "test" });
    expect(onLowBalance).not.toHaveBeenCalled();
    await consumeCredits(org.id, { credits: 60, idempotencyKey: uid(), actor: "test" });
    expect(onLowBalance).toHaveBeenCalledExactlyOnceWith(org.id, { balance: 90, threshold: 100 });
    await consumeCredits(org.id, { credits: 10, idempotencyKey: uid(), actor: "test" });
    expect(onLowBalance).toHaveBeenCalledTimes(1);
    const b = (await getCreditBalance(org.id))!;
    expect(b).toMatchObject({ low: true, lowBalanceThreshold: 100 });
  });
});

describe("an allocation's name", () => {
  it("says which plan and which month or days, as a person reads them", () => {
    const month = { start: new Date("2026-12-01T00:00:00Z"), end: new Date("2027-01-01T00:00:00Z") };
    expect(allocationReason("Starter", month)).toBe("Included with Starter (Dec 2026)");
    const anniversary = { start: new Date("2026-12-21T00:00:00Z"), end: new Date("2027-01-21T00:00:00Z") };
    expect(allocationReason("Starter", anniversary)).toBe("Included with Starter (Dec 21, 2026 – Jan 20, 2027)");
  });
});
