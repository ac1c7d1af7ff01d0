import { describe, expect, it } from "vitest";
import { replicaShare, takeToken, type Bucket, type Rate } from "./token-bucket";

/** Takes `n` tokens at `now`; answers how many were allowed. */
function takeMany(bucket: Bucket, now: number, rate: Rate, n: number): number {
  let allowed = 0;
  for (let i = 0; i < n; i++) if (takeToken(bucket, now, rate).allowed) allowed++;
  return allowed;
}

describe("token bucket", () => {
  const rate: Rate = { perSecond: 10, capacity: 20 };

  it("admits a full burst at once, then refuses", () => {
    const b = { tokens: 20, at: 0 };
    expect(takeMany(b, 0, rate, 25)).toBe(20);
    const refused = takeToken(b, 0, rate);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, msUntilToken: 100 });
  });

  it("refills at the rate, never past the capacity", () => {
    const b = { tokens: 0, at: 0 };
    expect(takeMany(b, 250, rate, 10)).toBe(2); // 2.5 tokens in 250 ms
    expect(takeToken(b, 300, rate).allowed).toBe(true); // 0.5 + 0.5
    expect(takeMany(b, 60_000, rate, 100)).toBe(20);
  });

  it("admits the rate over time, plus the burst", () => {
    const b = { tokens: 20, at: 0 };
    let allowed = 0;
    // 100 requests a second for 5 s against 10/s with bursts of 20: 20 + 10 × 5.
    for (let t = 0; t <= 5000; t += 10) if (takeToken(b, t, rate).allowed) allowed++;
    expect(allowed).toBe(70);
  });

  it("says when the next token comes and when the bucket is full", () => {
    const b = { tokens: 0.25, at: 0 };
    const r = takeToken(b, 0, { perSecond: 2, capacity: 4 });
    expect(r).toEqual({ allowed: false, remaining: 0, msUntilToken: 375, msUntilFull: 1875 });
  });

  it("never runs backwards when a request's clock is a little behind the last one", () => {
    const b = { tokens: 1, at: 1000 };
    expect(takeToken(b, 900, rate).allowed).toBe(true);
    expect(b.at).toBe(1000);
    expect(takeToken(b, 950, rate).allowed).toBe(false);
  });
});

describe("a replica's share of a key's limit", () => {
  it.each([
    // limit, replicas → per second, capacity
    [{ perSecond: 100, burst: 200 }, 1, 100, 200],
    [{ perSecond: 100, burst: 200 }, 3, 100 / 3, 67],
    [{ perSecond: 1, burst: 1 }, 3, 1 / 3, 1],
    [{ perSecond: 10, burst: 5 }, 2, 5, 3],
    [{ perSecond: 10, burst: 5 }, 0, 10, 5],
  ])("%o on %d replicas", (limit, replicas, perSecond, capacity) => {
    expect(replicaShare(limit, replicas)).toEqual({ perSecond, capacity });
  });

  it("lets N replicas together admit at most burst + N − 1 at once and the rate after", () => {
    const limit = { perSecond: 30, burst: 10 };
    for (const n of [1, 2, 3, 4, 7]) {
      const share = replicaShare(limit, n);
      const buckets = Array.from({ length: n }, () => ({ tokens: share.capacity, at: 0 }));
      // Every replica asked far more than it can give, every 10 ms for 2 s.
      let admitted = 0;
      for (let t = 0; t <= 2000; t += 10) for (const b of buckets) admitted += takeMany(b, t, share, 5);
      expect(admitted).toBeLessThanOrEqual(limit.burst + n - 1 + limit.perSecond * 2);
      expect(admitted).toBeGreaterThanOrEqual(limit.burst + limit.perSecond * 2 - n);
    }
  });
});
