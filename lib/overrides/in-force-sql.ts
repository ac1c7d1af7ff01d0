// The overrides in force at an instant as a column of a statement the caller already makes, so the
// entitlement checks read them without another round trip: a subquery over the customer_overrides
// index (org, kind, target) that is empty — one index probe — for the customer without overrides.
import { sql, type SQL } from "drizzle-orm";
import type { OverrideKind } from "@/lib/db/schema/overrides";
import type { OverrideRow } from "./resolve";

/** A json array of the customer's overrides of `kind` (and `target`) in force at `at`, or null when none are. */
export function overridesInForceSql(orgId: SQL, at: Date, filter: { kind: OverrideKind; target?: string }): SQL {
  const iso = at.toISOString();
  return sql`(select json_agg(json_build_object('id', co.id, 'kind', co.kind, 'target', co.target, 'value', co.value,
                     'startsAt', co.starts_at, 'endsAt', co.ends_at, 'revokedAt', co.revoked_at, 'createdAt', co.created_at))
                from customer_overrides co
               where co.org_id = ${orgId} and co.kind = ${filter.kind}
                 ${filter.target === undefined ? sql`` : sql`and co.target = ${filter.target}`}
                 and co.starts_at <= ${iso}::timestamptz
                 and coalesce(least(co.ends_at, co.revoked_at), 'infinity') > ${iso}::timestamptz)`;
}

type RawRow = Omit<OverrideRow, "startsAt" | "endsAt" | "revokedAt" | "createdAt"> & {
  startsAt: string;
  endsAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

const at = (s: string | null) => (s === null ? null : new Date(s));

/** The column's value as rows (postgres.js hands json back parsed; PGlite may hand text). */
export function parseOverrideRows(v: unknown): OverrideRow[] {
  if (v === null || v === undefined) return [];
  const list = (typeof v === "string" ? JSON.parse(v) : v) as RawRow[];
  return list.map((r) => ({
    ...r,
    startsAt: new Date(r.startsAt),
    endsAt: at(r.endsAt),
    revokedAt: at(r.revokedAt),
    createdAt: new Date(r.createdAt),
  }));
}
