// What an API key may do. A key made with no list may do everything its scope allows (every key made
// before permissions existed); one made with a list may call only the endpoints that list covers:
//   read             every GET
//   write            every other method (sending events and spending credits included)
//   events:write     sending usage events — a collector's key (the Benthos guide's)
//   credits:consume  spending and reserving credits
// An endpoint needs `read` for GET and `write` otherwise unless its declaration names a narrower
// permission (lib/http/declaration.ts `permission`). Client-safe: the key pages list these.
import { z } from "zod";

export const API_KEY_PERMISSIONS = ["read", "write", "events:write", "credits:consume"] as const;
export type ApiKeyPermission = (typeof API_KEY_PERMISSIONS)[number];

/** The choices the key forms offer, each a permission list (null: full access). */
export const KEY_ACCESS_PRESETS = {
  full: { label: "Full access", permissions: null },
  events: { label: "Send usage events only", permissions: ["events:write"] },
  credits: { label: "Spend credits and read", permissions: ["credits:consume", "read"] },
  read: { label: "Read only", permissions: ["read"] },
} as const satisfies Record<string, { label: string; permissions: readonly ApiKeyPermission[] | null }>;
export type KeyAccess = keyof typeof KEY_ACCESS_PRESETS;

/** How a key's permissions read in its list: a preset's name, or the permissions themselves. */
export function describePermissions(permissions: readonly string[] | null): string {
  if (permissions === null) return KEY_ACCESS_PRESETS.full.label;
  const same = (a: readonly string[]) => a.length === permissions.length && a.every((p) => permissions.includes(p));
  const preset = Object.values(KEY_ACCESS_PRESETS).find((p) => p.permissions !== null && same(p.permissions));
  return preset?.label ?? permissions.join(", ");
}

/** The permission a request needs: the endpoint's own, else read for GET and write for the rest. */
export function neededPermission(method: string, declared: ApiKeyPermission | undefined): ApiKeyPermission {
  return declared ?? (method === "GET" || method === "HEAD" ? "read" : "write");
}

/** Whether `granted` (null: everything) covers `needed`; write covers the narrower write permissions. */
export function permits(granted: readonly ApiKeyPermission[] | null, needed: ApiKeyPermission): boolean {
  if (granted === null || granted.includes(needed)) return true;
  return needed !== "read" && granted.includes("write");
}

/** The key forms' fields: a name and one of the access presets (full access when left out). */
export const ZKeyForm = z.object({
  name: z.string().trim().min(1, "Give the key a name.").max(100),
  access: z.enum(Object.keys(KEY_ACCESS_PRESETS) as [KeyAccess, ...KeyAccess[]]).default("full"),
});
