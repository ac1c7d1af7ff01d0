import type { ApiKeyView } from "./api-keys";
import { describePermissions } from "./key-permissions";
import { describeRateLimit } from "./key-rate-limits";

/** Keys as plain JSON for client components. */
export function serializeKeys(keys: ApiKeyView[]) {
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    access: describePermissions(k.permissions),
    rateLimit: { perSecond: k.rateLimitPerSecond, burst: k.rateLimitBurst },
    rateLimitLabel: describeRateLimit({ perSecond: k.rateLimitPerSecond, burst: k.rateLimitBurst }),
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}
