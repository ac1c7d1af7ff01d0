// Customer references — Tally id or external id → organization — cached per process for
// ORG_CACHE_MS, found ones only, so the requests that name a customer (every usage event, every
// credit spend by a platform key) mostly need no lookup. Organizations are never deleted; changing
// a customer's external id drops its entries on every replica (lib/cache/invalidation.ts).
import "server-only";
import { processState } from "@/lib/process-state";
import { onInvalidate } from "@/lib/cache/invalidation";
import type { Executor } from "@/lib/db/client";
import { findOrganization } from "./organizations";

export type OrgRef = { id: string; externalId: string | null };

const ORG_CACHE_MS = 30_000;
const ORG_CACHE_MAX = 20_000;
type OrgEntry = OrgRef & { until: number };
const orgCache = processState("orgs.ref-cache", () => new Map<string, OrgEntry>());
onInvalidate("org", (orgId) => {
  for (const [ref, e] of orgCache) if (e.id === orgId) orgCache.delete(ref);
});

export function rememberOrg(org: OrgRef, now = Date.now()): void {
  if (orgCache.size >= ORG_CACHE_MAX) orgCache.clear();
  const entry = { id: org.id, externalId: org.externalId, until: now + ORG_CACHE_MS };
  orgCache.set(org.id, entry);
  if (org.externalId) orgCache.set(org.externalId, entry);
}

/** A cached organization that has `ref` as its id or its external id (either). */
export function cachedOrg(ref: string, now = Date.now()): OrgRef | null {
  const hit = orgCache.get(ref);
  return hit && hit.until > now ? { id: hit.id, externalId: hit.externalId } : null;
}

/** The organization with exactly this Tally id, or exactly this external id: from the cache, else one query. */
export async function findOrgRef(ref: { id?: string; externalId?: string }, tx?: Executor): Promise<OrgRef | null> {
  const key = ref.id ?? ref.externalId;
  if (!key) return null;
  const hit = cachedOrg(key);
  if (hit && (ref.id ? hit.id === key : hit.externalId === key)) return hit;
  const org = await findOrganization(ref.id ? { id: ref.id } : { externalId: key }, tx);
  if (!org) return null;
  const found = { id: org.id, externalId: org.externalId };
  rememberOrg(found);
  return found;
}
