// Which organization each event of a batch belongs to, in one query for the whole batch: by the
// platform's external id, by Tally's own id, or (Lago) by a subscription's external id or id.
import "server-only";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import { cachedOrg, rememberOrg } from "@/lib/orgs/org-refs";
import type { ItemError } from "./contributions";
import type { CustomerRef } from "./parse-event";

export type Resolved = { orgId: string; externalId: string | null; subscriptionId: string | null };
type OrgRow = {
  kind: "org" | "sub";
  org_id: string;
  org_external_id: string | null;
  sub_id: string | null;
  sub_external_id: string | null;
};

export type CustomerDirectory = {
  orgsById: Map<string, { id: string; externalId: string | null }>;
  orgsByExternalId: Map<string, { id: string; externalId: string | null }>;
  subsByRef: Map<string, { id: string; orgId: string; externalId: string | null }>;
};

/** The customers the refs name: from the per-process cache (lib/orgs/org-refs.ts), the rest in one query. */
export async function loadCustomerDirectory(refs: CustomerRef[], tx?: Executor): Promise<CustomerDirectory> {
  const orgRefs = new Set<string>();
  const subRefs = new Set<string>();
  const dir: CustomerDirectory = { orgsById: new Map(), orgsByExternalId: new Map(), subsByRef: new Map() };
  const now = Date.now();
  const add = (org: { id: string; externalId: string | null }) => {
    dir.orgsById.set(org.id, org);
    if (org.externalId) dir.orgsByExternalId.set(org.externalId, org);
  };
  for (const r of refs) {
    for (const ref of [r.externalCustomerId, r.customerId]) {
      if (!ref) continue;
      const hit = cachedOrg(ref, now);
      if (hit) add(hit);
      else orgRefs.add(ref);
    }
    if (r.subscriptionRef) subRefs.add(r.subscriptionRef);
  }
  if (orgRefs.size === 0 && subRefs.size === 0) return dir;
  const orgList = JSON.stringify([...orgRefs]);
  const subList = JSON.stringify([...subRefs]);
  const orgPart = sql`select 'org' as kind, o.id as org_id, o.external_id as org_external_id, null::text as sub_id, null::text as sub_external_id
      from organizations o
     where o.id = any(array(select jsonb_array_elements_text(${orgList}::text::jsonb)))
        or o.external_id = any(array(select jsonb_array_elements_text(${orgList}::text::jsonb)))`;
  const subPart = sql`select 'sub' as kind, o.id as org_id, o.external_id as org_external_id, s.id as sub_id, s.external_id as sub_external_id
      from subscriptions s join organizations o on o.id = s.org_id
     where s.external_id = any(array(select jsonb_array_elements_text(${subList}::text::jsonb)))
        or s.id = any(array(select jsonb_array_elements_text(${subList}::text::jsonb)))`;
  // Most batches name customers only: the subscription half is sent only when a Lago event names one.
  const query = subRefs.size === 0 ? orgPart : orgRefs.size === 0 ? subPart : sql`${orgPart} union all ${subPart}`;
  const found = await rows<OrgRow>(query, tx);
  for (const r of found) {
    const org = { id: r.org_id, externalId: r.org_external_id };
    add(org);
    rememberOrg(org, now);
    if (r.kind === "sub" && r.sub_id) {
      const sub = { id: r.sub_id, orgId: r.org_id, externalId: r.sub_external_id };
      dir.subsByRef.set(r.sub_id, sub);
      if (r.sub_external_id) dir.subsByRef.set(r.sub_external_id, sub);
    }
  }
  return dir;
}

/**
 * The organization an event names. External ids are tried before Tally ids for
 * external_customer_id, and the other way round for customer_id; a subscription's external id
 * before its own id. Two references that name different customers are refused.
 */
export function resolveRef(
  dir: CustomerDirectory,
  ref: CustomerRef,
): { ok: true; resolved: Resolved } | { ok: false; error: ItemError } {
  let sub: { id: string; orgId: string } | undefined;
  if (ref.subscriptionRef) {
    sub = dir.subsByRef.get(ref.subscriptionRef);
    if (!sub)
      return {
        ok: false,
        error: { field: "external_subscription_id", message: `no subscription has the id "${ref.subscriptionRef}"` },
      };
  }
  let org: { id: string; externalId: string | null } | undefined;
  let field = "external_customer_id";
  if (ref.externalCustomerId) {
    org = dir.orgsByExternalId.get(ref.externalCustomerId) ?? dir.orgsById.get(ref.externalCustomerId);
    if (!org)
      return { ok: false, error: { field, message: `no customer has the external id "${ref.externalCustomerId}"` } };
    if (ref.customerId) {
      const other = dir.orgsById.get(ref.customerId) ?? dir.orgsByExternalId.get(ref.customerId);
      // FlexPrice's own examples send the same value in both fields; only a contradiction is an error.
      if (other && other.id !== org.id)
        return {
          ok: false,
          error: { field: "customer_id", message: "names a different customer than external_customer_id" },
        };
    }
  } else if (ref.customerId) {
    field = "customer_id";
    org = dir.orgsById.get(ref.customerId) ?? dir.orgsByExternalId.get(ref.customerId);
    if (!org) return { ok: false, error: { field, message: `no customer has the id "${ref.customerId}"` } };
  }
  if (sub) {
    if (org && org.id !== sub.orgId)
      return {
        ok: false,
        error: { field: "external_customer_id", message: "names a different customer than external_subscription_id" },
      };
    org ??= dir.orgsById.get(sub.orgId);
  }
  if (!org)
    return {
      ok: false,
      error: {
        field: "external_customer_id",
        message: "is required: name the customer (or send external_subscription_id)",
      },
    };
  return { ok: true, resolved: { orgId: org.id, externalId: org.externalId, subscriptionId: sub?.id ?? null } };
}
