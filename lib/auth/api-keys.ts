// API keys: `tly_live_` + 32 random base62 characters. Shown once; stored as a sha256 hash with a
// visible prefix; revocable; last use recorded (at most once a minute, to keep hot paths write-free).
import "server-only";
import { processState } from "@/lib/process-state";
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { broadcastInvalidation, onInvalidate } from "@/lib/cache/invalidation";
import { db } from "@/lib/db/client";
import { apiKeys, type ApiKey, type ApiKeyScope } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import type { ApiKeyPermission } from "./key-permissions";
import { BOOTSTRAP_RATE_LIMIT, defaultRateLimit, type KeyRateLimit } from "./key-rate-limits";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_PREFIX = "tly_live_";
const VISIBLE_PREFIX_LENGTH = KEY_PREFIX.length + 6;
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function generateKey(): string {
  const bytes = randomBytes(32);
  let out = "";
  for (const b of bytes) out += BASE62[b % 62];
  return KEY_PREFIX + out;
}

export type ApiKeyView = Pick<
  ApiKey,
  | "id"
  | "orgId"
  | "scope"
  | "permissions"
  | "rateLimitPerSecond"
  | "rateLimitBurst"
  | "name"
  | "prefix"
  | "createdAt"
  | "lastUsedAt"
  | "revokedAt"
>;

const view = {
  id: apiKeys.id,
  orgId: apiKeys.orgId,
  scope: apiKeys.scope,
  permissions: apiKeys.permissions,
  rateLimitPerSecond: apiKeys.rateLimitPerSecond,
  rateLimitBurst: apiKeys.rateLimitBurst,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export async function createApiKey(input: {
  scope: ApiKeyScope;
  orgId: string | null;
  name: string;
  createdByUserId: string | null;
  /** What it may call; null or left out: everything its scope allows. */
  permissions?: readonly ApiKeyPermission[] | null;
  /** How fast it may call; left out: its access preset's default. */
  rateLimit?: KeyRateLimit;
  /** Bootstrap only: a key value chosen by the operator. */
  value?: string;
}): Promise<{ key: string; apiKey: ApiKeyView }> {
  if ((input.scope === "customer") !== (input.orgId !== null)) {
    throw new AppError("bad_request", "A customer key belongs to one organization; a platform key to none.");
  }
  const key = input.value ?? generateKey();
  const limit = input.rateLimit ?? defaultRateLimit(input.permissions);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      orgId: input.orgId,
      scope: input.scope,
      permissions: input.permissions ? [...new Set(input.permissions)] : null,
      rateLimitPerSecond: limit.perSecond,
      rateLimitBurst: limit.burst,
      name: input.name,
      prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
      keyHash: hashApiKey(key),
      createdByUserId: input.createdByUserId,
    })
    .returning(view);
  return { key, apiKey: row! };
}

/** Keys of one organization, or the platform keys when orgId is null. */
export async function listApiKeys(orgId: string | null): Promise<ApiKeyView[]> {
  return db
    .select(view)
    .from(apiKeys)
    .where(orgId === null ? eq(apiKeys.scope, "platform") : eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
}

/**
 * Authenticated keys are cached in each process for KEY_CACHE_MS, so hot endpoints (ingest,
 * consume, entitlements) skip a query per request. A revocation clears the entry here and tells
 * every other replica through Postgres NOTIFY (lib/cache/invalidation.ts); the TTL bounds the
 * worst case if a replica missed the notification.
 */
const KEY_CACHE_MS = 30_000;
const KEY_CACHE_MAX = 10_000;
const keyCache = processState("auth.key-cache", () => new Map<string, { principal: KeyPrincipal; until: number }>());

export function forgetKey(keyHash: string): void {
  keyCache.delete(keyHash);
}
onInvalidate("api_key", forgetKey);

/**
 * Changes a live key's rate limit, for the given organization's key (or a platform key when orgId is
 * null): another organization's key is not found. Every replica drops its cached copy (NOTIFY), so
 * the new limit holds within a second.
 */
export async function updateApiKeyRateLimit(
  orgId: string | null,
  keyId: string,
  limit: KeyRateLimit,
): Promise<ApiKeyView> {
  const owner = orgId === null ? eq(apiKeys.scope, "platform") : eq(apiKeys.orgId, orgId);
  const [row] = await db
    .update(apiKeys)
    .set({ rateLimitPerSecond: limit.perSecond, rateLimitBurst: limit.burst })
    .where(and(eq(apiKeys.id, keyId), owner, isNull(apiKeys.revokedAt)))
    .returning({ ...view, keyHash: apiKeys.keyHash });
  if (!row) throw notFound("Active API key");
  const { keyHash, ...rest } = row;
  await broadcastInvalidation("api_key", keyHash);
  return rest;
}

/** Revokes a key of the given organization (or a platform key when orgId is null). Idempotent. */
export async function revokeApiKey(orgId: string | null, keyId: string): Promise<ApiKeyView> {
  const owner = orgId === null ? eq(apiKeys.scope, "platform") : eq(apiKeys.orgId, orgId);
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, keyId), owner))
    .returning({ ...view, keyHash: apiKeys.keyHash });
  if (!row) throw notFound("API key");
  const { keyHash, ...rest } = row;
  await broadcastInvalidation("api_key", keyHash);
  return rest;
}

export type KeyPrincipal = {
  keyId: string;
  scope: ApiKeyScope;
  orgId: string | null;
  permissions: ApiKeyPermission[] | null;
  rateLimit: KeyRateLimit;
};

/** The key's principal, or null when the key is unknown or revoked. */
export async function authenticateApiKey(key: string, now = new Date()): Promise<KeyPrincipal | null> {
  const hash = hashApiKey(key);
  const cached = keyCache.get(hash);
  if (cached && cached.until > now.getTime()) return cached.principal;
  const [row] = await db
    .select({
      id: apiKeys.id,
      scope: apiKeys.scope,
      orgId: apiKeys.orgId,
      permissions: apiKeys.permissions,
      perSecond: apiKeys.rateLimitPerSecond,
      burst: apiKeys.rateLimitBurst,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) {
    keyCache.delete(hash);
    return null;
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
  }
  const principal = {
    keyId: row.id,
    scope: row.scope,
    orgId: row.orgId,
    permissions: row.permissions ?? null,
    rateLimit: { perSecond: row.perSecond, burst: row.burst },
  };
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(hash, { principal, until: now.getTime() + KEY_CACHE_MS });
  return principal;
}

/** TALLY_BOOTSTRAP_API_KEY: make sure a platform key with exactly this value exists and is live. */
export async function ensureBootstrapKey(value: string): Promise<void> {
  const hash = hashApiKey(value);
  const [existing] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, hash));
  if (existing) {
    await db
      .update(apiKeys)
      .set({ revokedAt: null, scope: "platform", orgId: null })
      .where(eq(apiKeys.id, existing.id));
    return;
  }
  await createApiKey({
    scope: "platform",
    orgId: null,
    name: "Bootstrap (TALLY_BOOTSTRAP_API_KEY)",
    createdByUserId: null,
    rateLimit: BOOTSTRAP_RATE_LIMIT,
    value,
  });
}

/** The key sent with a request: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function keyFromHeaders(headers: { get(name: string): string | null }): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  return headers.get("x-api-key")?.trim() || null;
}
