// Per-API-key rate limits, enforced with no database work on a request: each replica keeps a token
// bucket per key in memory holding its share of the key's limit — the rate divided by the replicas
// serving (replica-presence.ts), the burst divided and rounded up. Whatever way the balancer spreads
// a key's requests, the replicas together admit at most burst + (N − 1) + perSecond × t in any t
// seconds; spread evenly (round robin), a key within its limit is not refused. docs/cluster.md has
// the tolerance and how tests/cluster/rate-limits.cluster.ts measures it.
import "server-only";
import type { KeyRateLimit } from "@/lib/auth/key-rate-limits";
import { AppError } from "@/lib/http/errors";
import { metrics } from "@/lib/metrics";
import { processState } from "@/lib/process-state";
import { liveReplicas } from "./replica-presence";
import { replicaShare, takeToken, type Bucket } from "./token-bucket";

/**
 * Each key's bucket, and when it is full again at the share it was last taken with. A full bucket
 * and no bucket are the same, so the full ones are dropped once there are many: nothing is lost.
 */
const state = processState("rate-limits.key-buckets", () => ({
  buckets: new Map<string, Bucket & { fullAt: number }>(),
  sweepAt: 10_000,
}));

function sweepFull(now: number): void {
  for (const [keyId, b] of state.buckets) if (b.fullAt <= now) state.buckets.delete(keyId);
  // Every live key busy at once: sweep again only once there are twice as many.
  state.sweepAt = Math.max(10_000, 2 * state.buckets.size);
}

/**
 * Counts one request of a key. Answers the rate-limit headers for its response, or throws a 429
 * `rate_limited` carrying them and Retry-After. Headers (why both families: draft-ietf-httpapi-
 * ratelimit-headers' `RateLimit-*` let a client pace itself before it is refused; `X-RateLimit-*`
 * are what existing client libraries read, with Reset as a Unix time as GitHub's):
 *   RateLimit-Limit / X-RateLimit-Limit        requests a second
 *   RateLimit-Policy                           `<perSecond>;w=1;burst=<burst>`
 *   RateLimit-Remaining / X-RateLimit-Remaining  requests that may go now, as this replica sees the cluster
 *   RateLimit-Reset                            seconds until the bucket is full again
 *   X-RateLimit-Reset                          the same moment, in Unix seconds
 */
export function admitKeyRequest(keyId: string, limit: KeyRateLimit, now = Date.now()): Record<string, string> {
  const replicas = liveReplicas(now);
  const share = replicaShare(limit, replicas);
  let bucket = state.buckets.get(keyId);
  if (!bucket) {
    if (state.buckets.size >= state.sweepAt) sweepFull(now);
    bucket = { tokens: share.capacity, at: now, fullAt: now };
    state.buckets.set(keyId, bucket);
  }
  const taken = takeToken(bucket, now, share);
  bucket.fullAt = now + taken.msUntilFull;
  const resetSeconds = Math.ceil(taken.msUntilFull / 1000);
  const headers: Record<string, string> = {
    "ratelimit-limit": String(limit.perSecond),
    "ratelimit-policy": `${limit.perSecond};w=1;burst=${limit.burst}`,
    "ratelimit-remaining": String(Math.min(limit.burst, taken.remaining * replicas)),
    "ratelimit-reset": String(resetSeconds),
    "x-ratelimit-limit": String(limit.perSecond),
    "x-ratelimit-remaining": String(Math.min(limit.burst, taken.remaining * replicas)),
    "x-ratelimit-reset": String(Math.ceil(now / 1000) + resetSeconds),
  };
  if (taken.allowed) return headers;
  metrics.rateLimited.inc();
  const retryAfter = Math.max(1, Math.ceil(taken.msUntilToken / 1000));
  throw new AppError(
    "rate_limited",
    `This API key is limited to ${limit.perSecond} requests a second (bursts of ${limit.burst}); retry after ${retryAfter} s, or ask whoever manages the key to raise its limit.`,
    { rate_limit_per_second: limit.perSecond, rate_limit_burst: limit.burst, retry_after_seconds: retryAfter },
    { ...headers, "retry-after": String(retryAfter) },
  );
}

/** Drops every bucket (tests). */
export function resetKeyBuckets(): void {
  state.buckets.clear();
}
