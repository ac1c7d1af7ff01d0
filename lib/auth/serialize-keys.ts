import type { ApiKeyView } from "./api-keys";

/** Keys as plain JSON for client components. */
export function serializeKeys(keys: ApiKeyView[]) {
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}
