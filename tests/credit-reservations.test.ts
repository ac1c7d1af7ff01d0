import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as commitRoute from "@/app/api/v1/credits/reservations/[id]/commit/route";
import * as releaseRoute from "@/app/api/v1/credits/reservations/[id]/release/route";
import * as reservationRoute from "@/app/api/v1/credits/reservations/[id]/route";
import * as reservationsRoute from "@/app/api/v1/credits/reservations/route";
import * as balanceRoute from "@/app/api/v1/credits/route";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { expireDueCredits } from "@/lib/credits/expire-credits";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { commitReservation, releaseReservation, reserveCredits } from "@/lib/credits/reservations";
import { rows } from "@/lib/db/client";
import { call, customerKey, makeOrg, platformKey, uid } from "./support/fixtures";

let platform: string;
beforeAll(async () => {
  platform = await platformKey();
});

type Json = Record<string, unknown>;

async function fund(
  orgId: string,
  amount: number,
  opts: { source?: "purchased" | "subscription" | "promotional"; expiresAt?: Date | null; now?: Date } = {},
) {
  return grantCredits(orgId, {
    amount,
    source: opts.source ?? "purchased",
    expiresAt: opts.expiresAt ?? null,
    reason: "test",
    idempotencyKey: uid(),
    actor: "test",
    now: opts.now,
  });
}

const reserve = (key: string, body: Json) =>
  call<Json>(reservationsRoute.POST, "POST", "/api/v1/credits/reservations", {
    key,
    body: { idempotency_key: uid(), ...body },
  });
const commit = (key: string, id: string, body: Json) =>
  call<Json>(commitRoute.POST, "POST", `/api/v1/credits/reservations/${id}/commit`, { key, body, params: { id } });
const release = (key: string, id: string) =>
  call<Json>(releaseRoute.POST, "POST", `/api/v1/credits/reservations/${id}/release`, {
    key,
    body: {},
    params: { id },
  });
const balance = async (key: string) =>
  (await call<{ balance: number; held: number }>(balanceRoute.GET, "GET", "/api/v1/credits", { key })).json;

describe("reservations over the API", () => {
  it("holds credits (201 with id, credits, expiry), so they cannot be spent twice", async () => {
    const org = await makeOrg();
    await fund(org.id, 100);
    const key = await customerKey(org.id);
    const res = await reserve(key, { credits: 70, ttl_seconds: 300 });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      object: "credit_reservation",
      credits: 70,
      status: "active",
      balance_after: 30,
      held: 70,
    });
    expect(new Date(res.json.expires_at as string).getTime()).toBeGreaterThan(Date.now() + 290_000);
    expect(await balance(key)).toMatchObject({ balance: 30, held: 70 });
    await expect(consumeCredits(org.id, { credits: 31, idempotencyKey: uid(), actor: "test" })).rejects.toMatchObject({
      code: "insufficient_credits",
    });
    const second = await reserve(key, { credits: 31 });
    expect(second.status).toBe(402);
  });

  it("commits part of a hold and releases the rest; the same commit again replays, another is a 409", async () => {
    const org = await makeOrg();
    const g = await fund(org.id, 100);
    const key = await customerKey(org.id);
    const r = await reserve(key, { credits: 60, reference: "call_42" });
    const id = r.json.id as string;
    const done = await commit(key, id, { credits: 45 });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: "committed",
      credits: 60,
      committed_credits: 45,
      released_credits: 15,
      spent: [{ bucket_id: g.body.id, credits: 45 }],
      balance_after: 55,
      held: 0,
      reference: "call_42",
    });
    const again = await commit(key, id, { credits: 45 });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(done.json);
    expect((await commit(key, id, { credits: 50 })).status).toBe(409);
    expect((await release(key, id)).status).toBe(409);
    expect(await balance(key)).toMatchObject({ balance: 55, held: 0 });
    const [ledger] = await rows<{ kinds: string }>(
      sql`select string_agg(kind || ':' || amount || '/' || bucket_delta, ' ' order by seq) as kinds from credit_ledger where org_id = ${org.id} and reservation_id = ${id}`,
    );
    expect(ledger!.kinds).toBe("reserve:-60/0 commit:0/-45 release:15/0");
  });

  it("spends beyond the hold like a consumption when the balance allows it, else 402 with the hold intact", async () => {
    const org = await makeOrg();
    await fund(org.id, 100);
    const key = await customerKey(org.id);
    const id = (await reserve(key, { credits: 50 })).json.id as string;
    const short = await commit(key, id, { credits: 101 });
    expect(short.status).toBe(402);
    expect(short.json).toMatchObject({ error: { details: { balance: 50, shortfall: 1 } } });
    expect(await balance(key)).toMatchObject({ balance: 50, held: 50 });
    const ok = await commit(key, id, { credits: 80 });
    expect(ok.json).toMatchObject({ committed_credits: 80, balance_after: 20, held: 0 });
  });

  it("releases a hold; releasing again replays; committing after a release is a 409", async () => {
    const org = await makeOrg();
    await fund(org.id, 100);
    const key = await customerKey(org.id);
    const id = (await reserve(key, { credits: 40 })).json.id as string;
    const rel = await release(key, id);
    expect(rel.json).toMatchObject({ status: "released", released_credits: 40, balance_after: 100, held: 0 });
    expect((await release(key, id)).status).toBe(200);
    expect((await commit(key, id, { credits: 10 })).status).toBe(409);
    expect(await balance(key)).toMatchObject({ balance: 100, held: 0 });
  });

  it("answers 404 for another customer's reservation", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    await fund(a.id, 100);
    const id = (await reserve(await customerKey(a.id), { credits: 10 })).json.id as string;
    const other = await customerKey(b.id);
    expect((await commit(other, id, { credits: 10 })).status).toBe(404);
    expect((await release(other, id)).status).toBe(404);
    expect(
      (await call(reservationRoute.GET, "GET", `/api/v1/credits/reservations/${id}`, { key: other, params: { id } }))
        .status,
    ).toBe(404);
    const viaPlatform = await call<Json>(reservationRoute.GET, "GET", `/api/v1/credits/reservations/${id}`, {
      key: platform,
      params: { id },
    });
    expect(viaPlatform.json).toMatchObject({ id, customer_id: a.id, status: "active" });
  });

  it("replays a reservation retried with its key instead of holding twice", async () => {
    const org = await makeOrg();
    await fund(org.id, 100);
    const key = await customerKey(org.id);
    const body = { credits: 30, ttl_seconds: 60, idempotency_key: uid() };
    const [x, y] = await Promise.all([reserve(key, body), reserve(key, body)]);
    expect(x.json.id).toBe(y.json.id);
    expect(await balance(key)).toMatchObject({ balance: 70, held: 30 });
  });
});

describe("hold expiry", () => {
  it("an expired hold never blocks a spend, even before the job runs, and cannot be committed", async () => {
    const org = await makeOrg();
    const t0 = new Date(Date.now() - 60_000);
    await fund(org.id, 100, { now: t0 });
    const r = await reserveCredits(org.id, {
      credits: 100,
      ttlSeconds: 30,
      idempotencyKey: uid(),
      actor: "test",
      now: t0,
    });
    const spent = await consumeCredits(org.id, { credits: 100, idempotencyKey: uid(), actor: "test" });
    expect(spent.body.balance_after).toBe(0);
    await expect(commitReservation(org.id, r.body.id, { credits: 10, actor: "test" })).rejects.toMatchObject({
      code: "conflict",
    });
    const [row] = await rows<{ status: string }>(sql`select status from credit_reservations where id = ${r.body.id}`);
    expect(row!.status).toBe("expired");
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("the balance read reports an expired hold as returned", async () => {
    const org = await makeOrg();
    const t0 = new Date(Date.now() - 60_000);
    await fund(org.id, 100, { now: t0 });
    await reserveCredits(org.id, { credits: 40, ttlSeconds: 10, idempotencyKey: uid(), actor: "test", now: t0 });
    expect(await balance(await customerKey(org.id))).toMatchObject({ balance: 100, held: 0 });
  });

  it("the job expires due holds and buckets once, even when two replicas run it at once", async () => {
    const org = await makeOrg();
    const t0 = new Date(Date.now() - 3_600_000);
    await fund(org.id, 50, { now: t0 });
    await fund(org.id, 80, { source: "subscription", expiresAt: new Date(t0.getTime() + 60_000), now: t0 });
    await reserveCredits(org.id, { credits: 20, ttlSeconds: 30, idempotencyKey: uid(), actor: "test", now: t0 });
    const now = new Date();
    await Promise.all([expireDueCredits(now), expireDueCredits(now), expireDueCredits(now)]);
    await expireDueCredits(now);
    const [counts] = await rows<{ expire_rows: number; hold: string; balance: number }>(sql`
      select (select count(*)::int from credit_ledger where org_id = ${org.id} and kind = 'expire') as expire_rows,
             (select status from credit_reservations where org_id = ${org.id}) as hold,
             (select balance::int from credit_balances where org_id = ${org.id}) as balance`);
    expect(counts).toEqual({ expire_rows: 2, hold: "expired", balance: 50 });
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("keeps expiring credits that back a live hold until the hold ends, then writes off the rest", async () => {
    const org = await makeOrg();
    const t0 = new Date(Date.now() - 3_600_000);
    await fund(org.id, 100, { source: "subscription", expiresAt: new Date(t0.getTime() + 60_000), now: t0 });
    const r = await reserveCredits(org.id, {
      credits: 70,
      ttlSeconds: 7_200,
      idempotencyKey: uid(),
      actor: "test",
      now: t0,
    });
    await expireDueCredits(new Date());
    const key = await customerKey(org.id);
    expect(await balance(key)).toMatchObject({ balance: 0, held: 70 });
    const done = await commitReservation(org.id, r.body.id, { credits: 50, actor: "test" });
    expect(done.body).toMatchObject({ committed_credits: 50, balance_after: 0 });
    expect(await balance(key)).toMatchObject({ balance: 0, held: 0 });
    const [bucket] = await rows<{ remaining: number; expired: boolean }>(
      sql`select remaining::int as remaining, expired_at is not null as expired from credit_grants where org_id = ${org.id}`,
    );
    expect(bucket).toEqual({ remaining: 0, expired: true });
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
    await expect(releaseReservation(org.id, r.body.id, { actor: "test" })).rejects.toMatchObject({ code: "conflict" });
  });
});
