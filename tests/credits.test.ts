import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as adjustmentsRoute from "@/app/api/v1/credits/adjustments/route";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as grantsRoute from "@/app/api/v1/credits/grants/route";
import * as refundsRoute from "@/app/api/v1/credits/refunds/route";
import * as balanceRoute from "@/app/api/v1/credits/route";
import * as settingsRoute from "@/app/api/v1/credits/settings/route";
import * as transactionsRoute from "@/app/api/v1/credits/transactions/route";
import { insertCreditEvent, insertCreditProduct } from "@/lib/catalog/seed-catalog";
import { settleOverage } from "@/lib/credits/adjust-credits";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { grantCredits, grantPurchasedCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { db, rows } from "@/lib/db/client";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";

let platform: string;
let basic: string;
let inference: string;
let retired: string;

beforeAll(async () => {
  platform = await platformKey();
  basic = `basic_${uid()}`;
  inference = `inference_${uid()}`;
  retired = `retired_${uid()}`;
  await insertCreditEvent({ code: basic, name: "Basic call", credits: 1 });
  await insertCreditEvent({ code: inference, name: "AI inference", credits: 25 });
  await insertCreditEvent({ code: retired, name: "Retired", credits: 5, active: false });
});

type Json = Record<string, unknown>;
type Bucket = { id: string; source: string; remaining: number; expires_at: string | null };
type Balance = {
  balance: number;
  held: number;
  overage: number;
  buckets: Bucket[];
  last_transaction_id: string | null;
};

async function grant(
  orgId: string,
  amount: number,
  source: "purchased" | "subscription" | "promotional",
  expiresInDays: number | null = null,
) {
  const res = await call<Json>(grantsRoute.POST, "POST", "/api/v1/credits/grants", {
    key: platform,
    body: {
      customer_id: orgId,
      amount,
      source,
      expires_at: expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000).toISOString(),
      reason: "test",
      idempotency_key: uid(),
    },
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; balance_after: number };
}

const consume = (key: string, body: Json, headers?: Record<string, string>) =>
  call<Json>(consumeRoute.POST, "POST", "/api/v1/credits/consume", { key, body, headers });
const balanceOf = async (key: string, orgId?: string) =>
  (await call<Balance>(balanceRoute.GET, "GET", `/api/v1/credits${orgId ? `?customer_id=${orgId}` : ""}`, { key }))
    .json;

async function expectBooksBalance(orgIds: string[]) {
  expect(await checkCreditInvariants({ orgIds })).toEqual([]);
}

describe("consuming credits over the API", () => {
  it("spends purchased credits first, then subscription, then promotional, and answers per bucket", async () => {
    const org = await makeOrg();
    const promo = await grant(org.id, 100, "promotional", 5);
    const sub = await grant(org.id, 100, "subscription", 20);
    const paid = await grant(org.id, 30, "purchased");
    const key = await customerKey(org.id);
    const res = await consume(key, { event_name: inference, quantity: 6, idempotency_key: uid() });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      object: "credit_consumption",
      credits: 150,
      event_name: inference,
      quantity: "6",
      spent: [
        { bucket_id: paid.id, source: "purchased", credits: 30 },
        { bucket_id: sub.id, source: "subscription", credits: 100 },
        { bucket_id: promo.id, source: "promotional", credits: 20 },
      ],
      overage_credits: 0,
      balance_after: 80,
    });
    const after = await balanceOf(key);
    expect(after.balance).toBe(80);
    expect(after.buckets).toEqual([expect.objectContaining({ id: promo.id, remaining: 80 })]);
    await expectBooksBalance([org.id]);
  });

  it("answers 402 with the balance and the shortfall and spends nothing", async () => {
    const org = await makeOrg();
    await grant(org.id, 40, "purchased");
    const key = await customerKey(org.id);
    const res = await consume(key, { event_name: inference, quantity: 2, idempotency_key: uid() });
    expect(res.status).toBe(402);
    expect(res.json).toMatchObject({
      error: { code: "insufficient_credits", details: { balance: 40, shortfall: 10 } },
    });
    expect((await balanceOf(key)).balance).toBe(40);
    const ledger = await call<{ data: Json[] }>(
      transactionsRoute.GET,
      "GET",
      "/api/v1/credits/transactions?kind=consume",
      { key },
    );
    expect(ledger.json.data).toHaveLength(0);
  });

  it("refuses an unknown or inactive credit event with a 400 naming event_name", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const key = await customerKey(org.id);
    for (const name of ["no_such_event", retired]) {
      const res = await consume(key, { event_name: name, quantity: 1, idempotency_key: uid() });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: "validation_error", details: [{ field: "event_name" }] } });
    }
  });

  it("accepts a raw number of credits, and needs an idempotency key", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const key = await customerKey(org.id);
    const missing = await consume(key, { credits: 5 });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: { details: [{ field: "idempotency_key" }] } });
    const ok = await consume(key, { credits: 7 }, { "Idempotency-Key": uid() });
    expect(ok.json).toMatchObject({ credits: 7, balance_after: 93, event_name: null });
  });

  it("replays the first answer for a retry with the same key, and refuses the key with another body (409)", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const key = await customerKey(org.id);
    const k = uid();
    const first = await consume(key, { event_name: basic, quantity: 10, idempotency_key: k });
    const again = await consume(key, { event_name: basic, quantity: "10", idempotency_key: k });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await consume(key, { event_name: basic, quantity: 11, idempotency_key: k });
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ error: { code: "idempotency_conflict" } });
    expect((await balanceOf(key)).balance).toBe(90);
  });

  it("spends once for many concurrent requests with one key", async () => {
    const org = await makeOrg();
    await grant(org.id, 1_000, "purchased");
    const k = uid();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => consumeCredits(org.id, { credits: 100, idempotencyKey: k, actor: "test" })),
    );
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [b] = await rows<{ balance: number }>(
      sql`select balance::int as balance from credit_balances where org_id = ${org.id}`,
    );
    expect(b!.balance).toBe(900);
    await expectBooksBalance([org.id]);
  });

  it("lets a customer key act only for its own organization", async () => {
    const mine = await makeOrg();
    const theirs = await makeOrg();
    await grant(theirs.id, 100, "purchased");
    const key = await customerKey(mine.id);
    const res = await consume(key, { customer_id: theirs.id, credits: 5, idempotency_key: uid() });
    expect(res.status).toBe(403);
    const peek = await call(balanceRoute.GET, "GET", `/api/v1/credits?customer_id=${theirs.id}`, { key });
    expect(peek.status).toBe(403);
  });

  it("lets a platform key spend for a customer named by external id", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const res = await consume(platform, { external_customer_id: org.externalId, credits: 5, idempotency_key: uid() });
    expect(res.status).toBe(200);
    expect(res.json.customer_id).toBe(org.id);
    const noCustomer = await consume(platform, { credits: 5, idempotency_key: uid() });
    expect(noCustomer.status).toBe(400);
  });
});

describe("U+0000 in a request", () => {
  it("is a 400 naming the field, in the body or the query, and spends nothing", async () => {
    const org = await makeOrg();
    await grant(org.id, 50, "purchased");
    const key = await customerKey(org.id);
    const res = await consume(key, { credits: 5, idempotency_key: "k\u0000", reference: "r" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "validation_error", details: [{ field: "idempotency_key" }] } });
    const nested = await call<Json>(grantsRoute.POST, "POST", "/api/v1/credits/grants", {
      key: platform,
      body: {
        customer_id: org.id,
        amount: 5,
        source: "promotional",
        reason: "ok",
        metadata: undefined,
        reference: ["x", "y\u0000"],
        idempotency_key: uid(),
      },
    });
    expect(nested.status).toBe(400);
    expect(nested.json).toMatchObject({ error: { details: [{ field: "reference.1" }] } });
    const query = await call<Json>(
      transactionsRoute.GET,
      "GET",
      `/api/v1/credits/transactions?kind=consume&cursor=a%00b`,
      { key },
    );
    expect(query.status).toBe(400);
    expect(query.json).toMatchObject({ error: { details: [{ field: "cursor" }] } });
    expect((await balanceOf(key)).balance).toBe(50);
  });
});

describe("overage", () => {
  it("records the overage as a negative balance priced per credit when the organization allows it", async () => {
    const org = await makeOrg();
    await grant(org.id, 30, "purchased");
    const patch = await call<Json>(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: platform,
      body: { customer_id: org.id, allow_overage: true, overage_price_per_credit: "0.012", overage_currency: "usd" },
    });
    expect(patch.status).toBe(200);
    const key = await customerKey(org.id);
    const res = await consume(key, { event_name: inference, quantity: 2, idempotency_key: uid() });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      credits: 50,
      overage_credits: 20,
      overage_cost: "0.24",
      currency: "usd",
      balance_after: -20,
    });
    const b = await balanceOf(key);
    expect(b).toMatchObject({ balance: -20, overage: 20 });
    const rowsOf = await call<{ data: Json[] }>(
      transactionsRoute.GET,
      "GET",
      "/api/v1/credits/transactions?kind=overage",
      { key },
    );
    expect(rowsOf.json.data).toEqual([
      expect.objectContaining({ kind: "overage", amount: -20, unit_price: "0.012", currency: "usd", bucket_id: null }),
    ]);
    await expectBooksBalance([org.id]);
  });

  it("prices overage at the smallest pack's price per credit when the organization set no price", async () => {
    const org = await makeOrg();
    await call(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: platform,
      body: { customer_id: org.id, allow_overage: true },
    });
    // The smallest active pack sets the price: 2 credits for $0.03 → $0.015 a credit.
    await insertCreditProduct({ code: `tiny-${uid()}`, name: "Tiny pack", credits: 2, priceCents: 3, currency: "usd" });
    await insertCreditProduct({
      code: `off-${uid()}`,
      name: "Retired pack",
      credits: 1,
      priceCents: 1_000,
      currency: "usd",
      active: false,
    });
    const res = await consumeCredits(org.id, { credits: 10, idempotencyKey: uid(), actor: "test" });
    expect(res.body).toMatchObject({ overage_credits: 10, overage_cost: "0.15", currency: "usd", balance_after: -10 });
  });

  it("repays outstanding overage from the next credits granted", async () => {
    const org = await makeOrg();
    await call(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: platform,
      body: { customer_id: org.id, allow_overage: true },
    });
    await consumeCredits(org.id, { credits: 25, idempotencyKey: uid(), actor: "test" });
    const g = await grant(org.id, 100, "purchased");
    expect(g.balance_after).toBe(75);
    const b = await balanceOf(platform, org.id);
    expect(b).toMatchObject({ balance: 75, overage: 0, buckets: [expect.objectContaining({ remaining: 75 })] });
    await expectBooksBalance([org.id]);
  });

  it("clears overage billed on an invoice, so later credits do not repay it again", async () => {
    const org = await makeOrg();
    await call(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: platform,
      body: { customer_id: org.id, allow_overage: true },
    });
    await consumeCredits(org.id, { credits: 40, idempotencyKey: uid(), actor: "test" });
    expect(await settleOverage(org.id, { credits: 40, reference: "inv_test", actor: "test" })).toEqual({
      settled: 40,
      balance: 0,
    });
    const g = await grant(org.id, 100, "purchased");
    expect(g.balance_after).toBe(100);
    await expectBooksBalance([org.id]);
  });
});

describe("grants, purchases, adjustments and refunds", () => {
  it("lets only operators grant, and replays a grant retried with its key", async () => {
    const org = await makeOrg();
    const body = {
      customer_id: org.id,
      amount: 500,
      source: "promotional",
      reason: "goodwill",
      idempotency_key: uid(),
    };
    const refused = await call(grantsRoute.POST, "POST", "/api/v1/credits/grants", {
      key: await customerKey(org.id),
      body,
    });
    expect(refused.status).toBe(403);
    const admin = await makeUser("admin", null);
    const cookie = await sessionCookie(admin.id);
    const first = await call<Json>(grantsRoute.POST, "POST", "/api/v1/credits/grants", { cookie, body });
    const again = await call<Json>(grantsRoute.POST, "POST", "/api/v1/credits/grants", { cookie, body });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      object: "credit_grant",
      source: "promotional",
      origin: "admin",
      amount: 500,
      remaining: 500,
      reason: "goodwill",
      balance_after: 500,
    });
    expect(again.json).toEqual(first.json);
    expect((await balanceOf(platform, org.id)).balance).toBe(500);
    const past = await call(grantsRoute.POST, "POST", "/api/v1/credits/grants", {
      cookie,
      body: { ...body, idempotency_key: uid(), expires_at: "2020-01-01T00:00:00Z" },
    });
    expect(past.status).toBe(400);
  });

  it("grants a credit pack once per payment, however often and concurrently it is confirmed", async () => {
    const org = await makeOrg();
    const pack = await insertCreditProduct({
      code: `pack-${uid()}`,
      name: "5,000 credits",
      credits: 5_000,
      priceCents: 4_500,
      currency: "usd",
    });
    const payment = `pi_${uid()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        grantPurchasedCredits(org.id, { creditProductId: pack.id, paymentId: payment, actor: "stripe:evt" }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.grant.id)).size).toBe(1);
    expect(results[0]!.grant).toMatchObject({
      source: "purchased",
      origin: "purchase",
      amount: 5_000,
      reference: payment,
      creditProductId: pack.id,
      expiresAt: null,
    });
    expect((await balanceOf(platform, org.id)).balance).toBe(5_000);
    const second = await grantPurchasedCredits(org.id, {
      creditProductId: pack.id,
      paymentId: `pi_${uid()}`,
      actor: "stripe:evt",
    });
    expect(second.created).toBe(true);
    expect((await balanceOf(platform, org.id)).balance).toBe(10_000);
    await expectBooksBalance([org.id]);
  });

  it("adjusts with a reason: negative across buckets, positive into a spent bucket, never below zero", async () => {
    const org = await makeOrg();
    const g = await grant(org.id, 100, "purchased");
    const adjust = (body: Json) =>
      call<Json>(adjustmentsRoute.POST, "POST", "/api/v1/credits/adjustments", {
        key: platform,
        body: { customer_id: org.id, idempotency_key: uid(), ...body },
      });
    const take = await adjust({ amount: -100, reason: "duplicate grant" });
    expect(take.status).toBe(201);
    expect(take.json).toMatchObject({ amount: -100, balance_after: 0, buckets: [{ bucket_id: g.id, credits: -100 }] });
    const tooMuch = await adjust({ amount: -1, reason: "oops" });
    expect(tooMuch.status).toBe(402);
    const restore = await adjust({ amount: 60, reason: "partial restore", bucket_id: g.id });
    expect(restore.json).toMatchObject({ balance_after: 60, buckets: [{ bucket_id: g.id, credits: 60 }] });
    const noReason = await adjust({ amount: 5 });
    expect(noReason.status).toBe(400);
    await expectBooksBalance([org.id]);
  });

  it("refunds a consumption to the buckets it came from, never more than was spent", async () => {
    const org = await makeOrg();
    const paid = await grant(org.id, 10, "purchased");
    const sub = await grant(org.id, 100, "subscription", 10);
    const spent = await consumeCredits(org.id, { credits: 30, idempotencyKey: uid(), actor: "test" });
    const refund = (body: Json) =>
      call<Json>(refundsRoute.POST, "POST", "/api/v1/credits/refunds", {
        key: platform,
        body: {
          customer_id: org.id,
          consumption_id: spent.body.id,
          reason: "failed call",
          idempotency_key: uid(),
          ...body,
        },
      });
    const part = await refund({ credits: 25 });
    expect(part.status).toBe(201);
    expect(part.json).toMatchObject({
      credits: 25,
      balance_after: 105,
      buckets: [
        { bucket_id: sub.id, credits: 20 },
        { bucket_id: paid.id, credits: 5 },
      ],
    });
    expect((await refund({ credits: 6 })).status).toBe(400);
    expect((await refund({})).json).toMatchObject({ credits: 5, balance_after: 110 });
    expect((await refund({})).status).toBe(409);
    await expectBooksBalance([org.id]);
  });
});

describe("settings", () => {
  it("changes the order credits are spent in", async () => {
    const org = await makeOrg();
    const paid = await grant(org.id, 100, "purchased");
    const promo = await grant(org.id, 100, "promotional", 30);
    const bad = await call<Json>(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: platform,
      body: { customer_id: org.id, precedence: ["promotional", "purchased"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { details: [{ field: "precedence" }] } });
    const ok = await call<Json>(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: platform,
      body: { customer_id: org.id, precedence: ["promotional", "subscription", "purchased"] },
    });
    expect(ok.json).toMatchObject({ precedence: ["promotional", "subscription", "purchased"], allow_overage: false });
    const res = await consumeCredits(org.id, { credits: 150, idempotencyKey: uid(), actor: "test" });
    expect(res.body.spent).toEqual([
      { bucket_id: promo.id, source: "promotional", credits: 100 },
      { bucket_id: paid.id, source: "purchased", credits: 50 },
    ]);
    const customer = await call(settingsRoute.PATCH, "PATCH", "/api/v1/credits/settings", {
      key: await customerKey(org.id),
      body: { allow_overage: true },
    });
    expect(customer.status).toBe(403);
  });
});

describe("the ledger", () => {
  it("is cursor-paginated, newest first, and filterable by kind, source and credit event", async () => {
    const org = await makeOrg();
    await grant(org.id, 1_000, "purchased");
    for (let i = 0; i < 5; i++)
      await consumeCredits(org.id, {
        eventName: i % 2 ? inference : basic,
        quantity: "1",
        idempotencyKey: uid(),
        actor: "test",
        reference: `call_${i}`,
      });
    const key = await customerKey(org.id);
    const page1 = await call<{
      data: { seq: number; kind: string; event_name: string | null; reference: string | null }[];
      next_cursor: string | null;
    }>(transactionsRoute.GET, "GET", "/api/v1/credits/transactions?limit=4", { key });
    expect(page1.json.data).toHaveLength(4);
    expect(page1.json.data[0]!.reference).toBe("call_4");
    const page2 = await call<{ data: { seq: number; kind: string }[]; next_cursor: string | null }>(
      transactionsRoute.GET,
      "GET",
      `/api/v1/credits/transactions?limit=4&cursor=${page1.json.next_cursor}`,
      { key },
    );
    expect(page2.json.data.map((r) => r.kind)).toEqual(["consume", "grant"]);
    expect(page2.json.next_cursor).toBeNull();
    const seqs = [...page1.json.data, ...page2.json.data].map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const ai = await call<{ data: { event_name: string }[] }>(
      transactionsRoute.GET,
      "GET",
      `/api/v1/credits/transactions?event_name=${inference}`,
      { key },
    );
    expect(ai.json.data.map((r) => r.event_name)).toEqual([inference, inference]);
    const grants = await call<{ data: unknown[] }>(
      transactionsRoute.GET,
      "GET",
      "/api/v1/credits/transactions?kind=grant&source=purchased",
      { key },
    );
    expect(grants.json.data).toHaveLength(1);
  });

  it("names the ledger row the balance is as of", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const res = await consumeCredits(org.id, { credits: 1, idempotencyKey: uid(), actor: "test" });
    const b = await balanceOf(platform, org.id);
    const [last] = await rows<{ balance_after: number; operation_id: string }>(
      sql`select balance_after::int as balance_after, operation_id from credit_ledger where org_id = ${org.id} and id = ${b.last_transaction_id}`,
    );
    expect(last).toEqual({ balance_after: 99, operation_id: res.body.id });
  });

  it("cannot be rewritten: updates and deletes of ledger rows fail", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    await expect(db.execute(sql`update credit_ledger set amount = 1000 where org_id = ${org.id}`)).rejects.toThrow();
    await expect(db.execute(sql`delete from credit_ledger where org_id = ${org.id}`)).rejects.toThrow();
    await grantCredits(org.id, {
      amount: 1,
      source: "promotional",
      expiresAt: null,
      reason: "still writable",
      idempotencyKey: uid(),
      actor: "test",
    });
    await expectBooksBalance([org.id]);
  });
});
