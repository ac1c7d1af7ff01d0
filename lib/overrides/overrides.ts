// Creating, listing and revoking a customer's overrides, and the read the billing and entitlement
// paths make of them. Rows are never edited but to stamp a revoke, so they are the history: who
// gave what, when, why, and who took it back (shown on the admin customer page).
import "server-only";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { db, rows, type Executor } from "@/lib/db/client";
import { customerOverrides, type CustomerOverride, type OverrideKind, type Plan } from "@/lib/db/schema";
import { metersByCode } from "@/lib/catalog/meters";
import { featureIndex } from "@/lib/catalog/features";
import { invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { overridesInForceSql, parseOverrideRows } from "./in-force-sql";
import { overrideUntil, resolveTerms, type OverrideRow } from "./resolve";
import type { OverrideCreate, OverrideJson } from "./schemas";

/** Refuses a target the catalog does not know, or a feature value of the wrong kind, naming the field. */
async function checkTarget(input: OverrideCreate, tx: Executor): Promise<void> {
  if (input.kind === "charge_price") {
    if (!(await metersByCode([input.target], tx)).has(input.target))
      throw invalidField("target", `no meter has the code "${input.target}"`);
    return;
  }
  if (input.kind !== "feature") return;
  const feature = (await featureIndex()).byKey.get(input.target);
  const metered = "limit" in input.value;
  if (!feature) {
    // A plan limits meters by code whether or not a metered feature names them.
    if (metered && (await metersByCode([input.target], tx)).has(input.target)) return;
    throw invalidField("target", `no feature or meter has the key "${input.target}"`);
  }
  if (feature.archivedAt) throw invalidField("target", `the feature "${input.target}" is archived`);
  const wrongKind =
    feature.kind === "metered"
      ? !metered
      : !("value" in input.value) || typeof input.value.value !== (feature.kind === "boolean" ? "boolean" : "number");
  if (wrongKind)
    throw invalidField(
      "value",
      feature.kind === "metered"
        ? `"${input.target}" is a metered feature: give {limit, enforcement}`
        : `"${input.target}" is a ${feature.kind} feature: give {value: ${feature.kind === "boolean" ? "true or false" : "a whole number"}}`,
    );
}

export async function createOverride(
  orgId: string,
  input: OverrideCreate,
  actor: string,
  opts: { now?: Date; tx?: Executor } = {},
): Promise<CustomerOverride> {
  const tx = opts.tx ?? db;
  const startsAt = input.starts_at ?? opts.now ?? new Date();
  if (input.ends_at && input.ends_at <= startsAt) throw invalidField("ends_at", "must be after starts_at");
  await checkTarget(input, tx);
  const [row] = await tx
    .insert(customerOverrides)
    .values({
      id: newId("ovr"),
      orgId,
      kind: input.kind,
      target: "target" in input ? input.target : "",
      value: input.value as Record<string, unknown>,
      reason: input.reason,
      startsAt,
      endsAt: input.ends_at ?? null,
      createdBy: actor,
    })
    .returning();
  return row!;
}

/** Newest first: the history, revoked and ended ones included. */
export async function listOverrides(orgId: string, tx: Executor = db): Promise<CustomerOverride[]> {
  return tx
    .select()
    .from(customerOverrides)
    .where(eq(customerOverrides.orgId, orgId))
    .orderBy(desc(customerOverrides.createdAt), desc(customerOverrides.id));
}

/** Stops the override now; revoking a revoked one changes nothing (the first revoke is kept). */
export async function revokeOverride(
  orgId: string,
  id: string,
  actor: string,
  opts: { now?: Date; tx?: Executor } = {},
): Promise<CustomerOverride> {
  const tx = opts.tx ?? db;
  const now = opts.now ?? new Date();
  const [done] = await tx
    .update(customerOverrides)
    .set({ revokedAt: now, revokedBy: actor })
    .where(and(eq(customerOverrides.orgId, orgId), eq(customerOverrides.id, id), isNull(customerOverrides.revokedAt)))
    .returning();
  if (done) return done;
  const [held] = await tx
    .select()
    .from(customerOverrides)
    .where(and(eq(customerOverrides.orgId, orgId), eq(customerOverrides.id, id)));
  if (!held) throw notFound("Override");
  return held;
}

const overrideColumns = {
  orgId: customerOverrides.orgId,
  id: customerOverrides.id,
  kind: customerOverrides.kind,
  target: customerOverrides.target,
  value: customerOverrides.value,
  startsAt: customerOverrides.startsAt,
  endsAt: customerOverrides.endsAt,
  revokedAt: customerOverrides.revokedAt,
  createdAt: customerOverrides.createdAt,
};

/**
 * The overrides of these customers that may be in force at or after `since` (none that ended or
 * was revoked before it), by customer. One statement for a batch.
 */
export async function overridesByOrg(tx: Executor, orgIds: string[], since: Date): Promise<Map<string, OverrideRow[]>> {
  const out = new Map<string, OverrideRow[]>();
  if (orgIds.length === 0) return out;
  const found = await tx
    .select(overrideColumns)
    .from(customerOverrides)
    .where(
      and(
        inArray(customerOverrides.orgId, [...new Set(orgIds)]),
        sql`coalesce(least(${customerOverrides.endsAt}, ${customerOverrides.revokedAt}), 'infinity') > ${since.toISOString()}::timestamptz`,
      ),
    );
  for (const { orgId, ...o } of found) out.set(orgId, [...(out.get(orgId) ?? []), o]);
  return out;
}

export function overrideStatus(o: CustomerOverride, now: Date): OverrideJson["status"] {
  if (o.revokedAt && o.revokedAt <= now) return "revoked";
  const until = overrideUntil(o);
  if (until && until <= now) return "ended";
  return o.startsAt > now ? "scheduled" : "active";
}

export function overrideJson(o: CustomerOverride, now = new Date()): OverrideJson {
  return {
    id: o.id,
    object: "customer_override",
    customer_id: o.orgId,
    kind: o.kind,
    target: o.target === "" ? null : o.target,
    value: o.value,
    reason: o.reason,
    starts_at: o.startsAt.toISOString(),
    ends_at: o.endsAt?.toISOString() ?? null,
    created_by: o.createdBy,
    created_at: o.createdAt.toISOString(),
    revoked_at: o.revokedAt?.toISOString() ?? null,
    revoked_by: o.revokedBy,
    status: overrideStatus(o, now),
  };
}

/** The customer's overrides of `kind` in force at `at` (for the terms read once per subscription or window, not on a hot path). */
async function overridesInForce(tx: Executor, orgId: string, kind: OverrideKind, at: Date): Promise<OverrideRow[]> {
  const [row] = await rows<{ list: unknown }>(
    sql`select ${overridesInForceSql(sql`${orgId}`, at, { kind })} as list`,
    tx,
  );
  return parseOverrideRows(row?.list);
}

const noTerms = { charges: [], features: [], limits: [], includedCredits: 0, trialDays: 0 };

/** The trial a new subscription to `plan` gets: the plan's, or the customer's override in force at `at`. */
export async function trialDaysFor(
  tx: Executor,
  orgId: string,
  plan: Pick<Plan, "trialDays">,
  at: Date,
): Promise<number> {
  const list = await overridesInForce(tx, orgId, "trial_days", at);
  return resolveTerms({ ...noTerms, trialDays: plan.trialDays }, list, at).trialDays;
}

/** The credits an allocation window starting at `at` grants: the plan's, or the customer's override in force then. */
export async function includedCreditsFor(
  tx: Executor,
  orgId: string,
  plan: Pick<Plan, "includedCredits">,
  at: Date,
): Promise<number> {
  const list = await overridesInForce(tx, orgId, "included_credits", at);
  return resolveTerms({ ...noTerms, includedCredits: plan.includedCredits }, list, at).includedCredits;
}
