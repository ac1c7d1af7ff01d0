// Features: what plans grant — on/off ("SSO"), a number ("seats"), or a metered limit (keyed by
// its meter's code; the plan's value is its limit on that meter). The key and kind are fixed once
// created, since clients check by key and plan versions hold values of that kind; the name, unit
// and order change in place, and an archived feature can be granted no more.
import "server-only";
import { asc, eq, isNull, or } from "drizzle-orm";
import { broadcastInvalidation, onInvalidate } from "@/lib/cache/invalidation";
import { catalogCopy } from "@/lib/cache/catalog-copy";
import { db, type Executor } from "@/lib/db/client";
import { features, type Feature } from "@/lib/db/schema";
import { isUniqueViolation } from "@/lib/db/errors";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { metersByCode } from "./meters";
import type { FeatureCreate, FeaturePatch } from "./schemas";

export async function createFeature(input: FeatureCreate, tx: Executor = db): Promise<Feature> {
  if (input.kind === "metered" && !(await metersByCode([input.key], tx)).has(input.key))
    throw invalidField("key", `a metered feature's key is a meter's code, and no meter has the code "${input.key}"`);
  try {
    const [f] = await tx
      .insert(features)
      .values({
        id: newId("feat"),
        key: input.key,
        kind: input.kind,
        name: input.name,
        unit: input.kind === "numeric" ? (input.unit ?? null) : null,
        sortOrder: input.sort_order,
      })
      .returning();
    await broadcastInvalidation("catalog", "features", tx);
    return f!;
  } catch (e) {
    if (isUniqueViolation(e, "features_key_key"))
      throw conflict(`A feature with key "${input.key}" already exists.`, [
        { field: "key", message: "already exists" },
      ]);
    throw e;
  }
}

export async function listFeatures(opts: { includeArchived?: boolean } = {}, tx: Executor = db): Promise<Feature[]> {
  return tx
    .select()
    .from(features)
    .where(opts.includeArchived ? undefined : isNull(features.archivedAt))
    .orderBy(asc(features.sortOrder), asc(features.key));
}

/** By id or key (a key may itself look like an id, so both are matched; the id wins). */
export async function getFeature(ref: string, tx: Executor = db): Promise<Feature> {
  const found = await tx
    .select()
    .from(features)
    .where(or(eq(features.id, ref), eq(features.key, ref)));
  const f = found.find((x) => x.id === ref) ?? found[0];
  if (!f) throw notFound("Feature");
  return f;
}

export async function updateFeature(ref: string, patch: FeaturePatch): Promise<Feature> {
  const feature = await getFeature(ref);
  if (patch.unit && feature.kind !== "numeric")
    throw invalidField("unit", `a ${feature.kind} feature has no unit of its own`);
  const [f] = await db
    .update(features)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.unit !== undefined && { unit: patch.unit }),
      ...(patch.sort_order !== undefined && { sortOrder: patch.sort_order }),
      ...(patch.archived !== undefined && {
        archivedAt: patch.archived ? (feature.archivedAt ?? new Date()) : null,
      }),
    })
    .where(eq(features.id, feature.id))
    .returning();
  await broadcastInvalidation("catalog", "features");
  return f!;
}

// ————— the in-memory index the entitlement check reads (the catalog changes rarely) —————

export type FeatureIndex = { loadedAt: number; all: Feature[]; byKey: Map<string, Feature> };

const copy = catalogCopy("catalog.features", async (tx): Promise<FeatureIndex> => {
  const all = await listFeatures({ includeArchived: true }, tx);
  return { loadedAt: Date.now(), all, byKey: new Map(all.map((f) => [f.key, f])) };
});

/**
 * Every feature, archived ones too (a plan version may still grant one), from the process's copy
 * (lib/cache/catalog-copy.ts) — dropped at once on every replica when a feature changes (NOTIFY,
 * lib/cache/invalidation.ts), read anew behind the requests after 5 seconds.
 */
export const featureIndex = (): Promise<FeatureIndex> => copy.get();

/** Tests call this after changing features behind the catalog's back; the catalog broadcasts "catalog:features". */
export function invalidateFeatures(): void {
  copy.invalidate();
}
onInvalidate("catalog", (what) => {
  if (what === "features") invalidateFeatures();
});
