import { describe, expect, it } from "vitest";
import type { CreditSource } from "@/lib/db/schema/credits";
import { CreditAccount, InsufficientCredits, type BucketState } from "./account";
import { DEFAULT_PRECEDENCE } from "./precedence";

const now = new Date("2026-03-15T12:00:00Z");
const at = (days: number) => new Date(now.getTime() + days * 86_400_000);
const meta = { actor: "test" };

function b(
  id: string,
  source: CreditSource,
  remaining: number,
  expiresInDays: number | null = null,
  amount = remaining,
): BucketState {
  return {
    id,
    source,
    origin: "admin",
    amount,
    remaining,
    priority: 0,
    expiresAt: expiresInDays === null ? null : at(expiresInDays),
    expiredAt: null,
    createdAt: at(-10),
  };
}

function account(buckets: BucketState[], opts: { held?: number; overage?: number; when?: Date } = {}) {
  const total = buckets.reduce((s, x) => s + x.remaining, 0);
  const held = opts.held ?? 0;
  const overage = opts.overage ?? 0;
  return new CreditAccount(
    { balance: total - held - overage, held, overage, buckets },
    DEFAULT_PRECEDENCE,
    opts.when ?? now,
  );
}

const remaining = (a: CreditAccount) => Object.fromEntries(a.buckets.map((x) => [x.id, x.remaining]));
const consistent = (a: CreditAccount) => {
  expect(a.identityBalance()).toBe(a.balance);
  expect(
    a.entries.reduce(
      (s, e) => s + e.amount,
      a.entries.length ? a.entries[0]!.balanceAfter - a.entries[0]!.amount : a.balance,
    ),
  ).toBe(a.balance);
  for (const x of a.buckets) expect(x.remaining).toBeGreaterThanOrEqual(0);
};

describe("consuming", () => {
  it("spends purchased credits before subscription credits and records one row per bucket", () => {
    const a = account([b("sub", "subscription", 100, 10), b("paid", "purchased", 30)]);
    a.consume(50, meta, false);
    expect(remaining(a)).toEqual({ sub: 80, paid: 0 });
    expect(a.entries.map((e) => [e.kind, e.bucketId, e.amount, e.balanceAfter])).toEqual([
      ["consume", "paid", -30, 100],
      ["consume", "sub", -20, 80],
    ]);
    consistent(a);
  });

  it("refuses a spend larger than the balance with the balance and the shortfall, spending nothing", () => {
    const a = account([b("paid", "purchased", 30)]);
    let err: unknown;
    try {
      a.consume(45, meta, false);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InsufficientCredits);
    expect((err as InsufficientCredits).details).toEqual({ balance: 30, shortfall: 15, needed: 45 });
    expect(remaining(a)).toEqual({ paid: 30 });
    expect(a.entries).toHaveLength(0);
  });

  it("counts held credits as unavailable", () => {
    const a = account([b("paid", "purchased", 100)], { held: 80 });
    expect(() => a.consume(21, meta, false)).toThrow(InsufficientCredits);
    a.consume(20, meta, false);
    expect(a.balance).toBe(0);
    consistent(a);
  });

  it("with overage allowed, spends what is free and records the rest as overage: a negative balance", () => {
    const a = account([b("paid", "purchased", 30)]);
    expect(a.consume(50, meta, true)).toEqual({ overage: 20 });
    expect(a.balance).toBe(-20);
    expect(a.overage).toBe(20);
    expect(a.entries.map((e) => [e.kind, e.bucketId, e.amount])).toEqual([
      ["consume", "paid", -30],
      ["overage", null, -20],
    ]);
    consistent(a);
  });

  it("with overage outstanding, further spends are all overage", () => {
    const a = account([], { overage: 20 });
    a.consume(5, meta, true);
    expect(a.balance).toBe(-25);
    expect(a.overage).toBe(25);
    consistent(a);
  });
});

describe("overage repayment", () => {
  it("takes outstanding overage out of the next grant", () => {
    const a = account([], { overage: 20 });
    a.grant(b("pack", "purchased", 100), meta);
    a.settle();
    expect(a.overage).toBe(0);
    expect(a.balance).toBe(80);
    expect(remaining(a)).toEqual({ pack: 80 });
    expect(a.entries.at(-1)).toMatchObject({ kind: "overage_repaid", bucketId: "pack", amount: 0, bucketDelta: -20 });
    consistent(a);
  });

  it("repays only part when the grant is smaller than the debt", () => {
    const a = account([], { overage: 150 });
    a.grant(b("pack", "purchased", 100), meta);
    a.settle();
    expect(a.overage).toBe(50);
    expect(a.balance).toBe(-50);
    consistent(a);
  });
});

describe("reservations", () => {
  it("a hold moves credits out of the balance without touching a bucket", () => {
    const a = account([b("paid", "purchased", 100)]);
    a.reserve({ id: "r1", credits: 60, expiresAt: at(1) }, meta);
    expect([a.balance, a.held, remaining(a).paid]).toEqual([40, 60, 100]);
    expect(() => a.reserve({ id: "r2", credits: 41, expiresAt: at(1) }, meta)).toThrow(InsufficientCredits);
    consistent(a);
  });

  it("a partial commit spends from buckets and releases the rest of the hold", () => {
    const a = account([b("paid", "purchased", 100)], { held: 60 });
    a.commit({ id: "r1", credits: 60, expiresAt: at(1) }, 45, meta, false);
    expect([a.balance, a.held, remaining(a).paid]).toEqual([55, 0, 55]);
    expect(a.entries.map((e) => [e.kind, e.amount, e.bucketDelta])).toEqual([
      ["commit", 0, -45],
      ["release", 15, 0],
    ]);
    consistent(a);
  });

  it.each([
    { name: "exactly the hold", hold: 50, commit: 50, free: 50, allow: false, balance: 50, overage: 0 },
    {
      name: "more than the hold, covered by free credits",
      hold: 50,
      commit: 70,
      free: 50,
      allow: false,
      balance: 30,
      overage: 0,
    },
    {
      name: "more than the hold and the free credits, with overage",
      hold: 50,
      commit: 120,
      free: 50,
      allow: true,
      balance: -20,
      overage: 20,
    },
    {
      name: "nothing: the whole hold is released",
      hold: 50,
      commit: 0,
      free: 50,
      allow: false,
      balance: 100,
      overage: 0,
    },
  ])("a commit of $name", ({ hold, commit, free, allow, balance, overage }) => {
    const a = account([b("paid", "purchased", hold + free)], { held: hold });
    a.commit({ id: "r", credits: hold, expiresAt: at(1) }, commit, meta, allow);
    expect([a.balance, a.overage, a.held]).toEqual([balance, overage, 0]);
    consistent(a);
  });

  it("refuses a commit whose excess the balance cannot cover, unless overage is allowed", () => {
    const a = account([b("paid", "purchased", 60)], { held: 50 });
    expect(() => a.commit({ id: "r", credits: 50, expiresAt: at(1) }, 61, meta, false)).toThrow(InsufficientCredits);
    expect(a.entries).toHaveLength(0);
  });

  it("a release gives the whole hold back", () => {
    const a = account([b("paid", "purchased", 100)], { held: 70 });
    a.release({ id: "r", credits: 70, expiresAt: at(1) }, meta);
    expect([a.balance, a.held]).toEqual([100, 0]);
    consistent(a);
  });

  it("holds past their TTL return their credits; holds still running do not", () => {
    const a = account([b("paid", "purchased", 100)], { held: 70 });
    expect(
      a.expireHolds([
        { id: "old", credits: 30, expiresAt: at(-0.01) },
        { id: "live", credits: 40, expiresAt: at(0.01) },
      ]),
    ).toEqual(["old"]);
    expect([a.balance, a.held]).toEqual([60, 40]);
    consistent(a);
  });
});

describe("bucket expiry", () => {
  it.each([
    {
      name: "a bucket past its expiry loses what is left",
      buckets: [b("sub", "subscription", 40, -1)],
      held: 0,
      after: { sub: 0 },
      balance: 0,
    },
    {
      name: "a bucket not yet expired keeps its credits",
      buckets: [b("sub", "subscription", 40, 1)],
      held: 0,
      after: { sub: 40 },
      balance: 40,
    },
    {
      name: "purchased credits without expiry never expire",
      buckets: [b("paid", "purchased", 40)],
      held: 0,
      after: { paid: 40 },
      balance: 40,
    },
    {
      name: "credits backing a hold are not written off",
      buckets: [b("sub", "subscription", 40, -1)],
      held: 30,
      after: { sub: 30 },
      balance: 0,
    },
    {
      name: "free credits elsewhere back the hold first",
      buckets: [b("sub", "subscription", 40, -1), b("paid", "purchased", 30)],
      held: 30,
      after: { sub: 0, paid: 30 },
      balance: 0,
    },
  ])("$name", ({ buckets, held, after, balance }) => {
    const a = account(buckets, { held });
    a.expireBuckets();
    expect(remaining(a)).toEqual(after);
    expect(a.balance).toBe(balance);
    consistent(a);
  });

  it("marks a bucket expired when it is written off, with an expire row", () => {
    const a = account([b("sub", "subscription", 40, -1, 100)]);
    a.expireBuckets();
    expect(a.buckets[0]!.expiredAt).toEqual(now);
    expect(a.entries).toMatchObject([
      { kind: "expire", bucketId: "sub", amount: -40, bucketDelta: -40, balanceAfter: 0 },
    ]);
  });

  it("a held remnant of an expired bucket is spent first by the commit, and what is released then expires", () => {
    const a = account([b("sub", "subscription", 50, -1), b("paid", "purchased", 50)], { held: 100 });
    a.expireBuckets();
    expect(remaining(a)).toEqual({ sub: 50, paid: 50 });
    a.commit({ id: "r", credits: 100, expiresAt: at(1) }, 40, meta, false);
    a.settle();
    expect(remaining(a)).toEqual({ sub: 0, paid: 50 });
    expect(a.balance).toBe(50);
    consistent(a);
  });
});

describe("adjustments and refunds", () => {
  it("a negative adjustment draws in precedence order and never takes held credits", () => {
    const a = account([b("paid", "purchased", 10), b("sub", "subscription", 50, 5)], { held: 20 });
    expect(() => a.adjust(-41, meta, {})).toThrow(InsufficientCredits);
    a.adjust(-40, meta, {});
    expect(remaining(a)).toEqual({ paid: 0, sub: 20 });
    consistent(a);
  });

  it("a positive adjustment into a bucket restores at most what it was granted", () => {
    const a = account([b("paid", "purchased", 10, null, 100)]);
    expect(() => a.adjust(91, meta, { bucketId: "paid" })).toThrow(/at most 90/);
    a.adjust(90, meta, { bucketId: "paid" });
    expect(remaining(a)).toEqual({ paid: 100 });
    consistent(a);
  });

  it("a refund returns credits to their buckets and cancels outstanding overage", () => {
    const a = account([b("paid", "purchased", 0, null, 100)], { overage: 10 });
    expect(
      a.refund(
        [
          { bucketId: null, credits: 10 },
          { bucketId: "paid", credits: 30 },
        ],
        meta,
      ),
    ).toBe(40);
    expect([a.balance, a.overage, remaining(a).paid]).toEqual([30, 0, 30]);
    consistent(a);
  });

  it("settling overage billed elsewhere clears the debt", () => {
    const a = account([], { overage: 25 });
    expect(a.settleOverage(40, meta)).toBe(25);
    expect([a.balance, a.overage]).toEqual([0, 0]);
    consistent(a);
  });
});
