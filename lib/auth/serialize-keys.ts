import type { ApiKeyView } from "./api-keys";
import { describePermissions } from "./key-permissions";

/** Keys as plain JSON for client components. */
export function serializeKeys(keys: ApiKeyView[]) {
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    access: describePermissions(k.permissions),
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}
