// A token bucket, pure: a request takes a token; tokens come back at `perSecond` up to `capacity`.
// On N replicas each one holds its share of a key's limit (replicaShare), so that the sum of what
// they admit never passes the limit by more than the rounding of the burst (docs/cluster.md).

export type Bucket = { tokens: number; at: number };
export type Rate = { perSecond: number; capacity: number };
export type Taken = {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** How long until a token is there again (0 when one is). */
  msUntilToken: number;
  /** How long until the bucket is full again. */
  msUntilFull: number;
};

/** The bucket's tokens at `now`: what it had, plus what came back since, never past capacity. */
export function refill(bucket: Bucket | undefined, now: number, rate: Rate): number {
  if (!bucket) return rate.capacity;
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(rate.capacity, bucket.tokens + (elapsed * rate.perSecond) / 1000);
}

/** Takes one token from `bucket` (a fresh bucket is full), in place; says whether the request may go ahead. */
export function takeToken(bucket: Bucket, now: number, rate: Rate): Taken {
  let tokens = refill(bucket, now, rate);
  const allowed = tokens >= 1;
  if (allowed) tokens -= 1;
  bucket.tokens = tokens;
  bucket.at = Math.max(bucket.at, now);
  const msPerToken = 1000 / rate.perSecond;
  return {
    allowed,
    remaining: Math.floor(tokens),
    msUntilToken: tokens >= 1 ? 0 : Math.ceil((1 - tokens) * msPerToken),
    msUntilFull: Math.ceil((rate.capacity - tokens) * msPerToken),
  };
}

/**
 * One replica's share of a key's limit when `replicas` serve it: the rate divided evenly, the burst
 * divided and rounded up (at least one request, or a small burst could never be served), so N
 * replicas together admit at most burst + N − 1 at once and `perSecond` after.
 */
export function replicaShare(limit: { perSecond: number; burst: number }, replicas: number): Rate {
  const n = Math.max(1, Math.floor(replicas));
  return { perSecond: limit.perSecond / n, capacity: Math.max(1, Math.ceil(limit.burst / n)) };
}
