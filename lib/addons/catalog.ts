// The add-on catalog: operators create add-ons (a price, features, limits, credits, how many a
// subscription may hold, the plans they fit) and archive them. Terms are fixed once created —
// subscriptions were prorated and invoiced at them — so a new price is a new add-on; the name and
// description change in place.
import "server-only";
import { asc, eq, isNull, or } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { addons, type Addon } from "@/lib/db/schema";
import { isUniqueViolation } from "@/lib/db/errors";
import { checkFeatureGrants } from "@/lib/catalog/plans";
import { metersByCode } from "@/lib/catalog/meters";
import { AppError, conflict, notFound, type FieldIssue } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { minorToDecimal, parseAmountToMinor } from "@/lib/money";
import type { AddonCreate, AddonJson, AddonPatch } from "./schemas";

export function addonJson(a: Addon): AddonJson {
  return {
    id: a.id,
    object: "addon",
    code: a.code,
    name: a.name,
    description: a.description,
    kind: a.kind,
    interval: a.interval,
    currency: a.currency,
    price: minorToDecimal(a.priceCents, a.currency),
    price_cents: a.priceCents,
    features: a.features,
    limits: a.limits,
    credits: a.credits,
    max_quantity: a.maxQuantity,
    plan_codes: a.planCodes,
    archived: a.archivedAt !== null,
    created_at: a.createdAt.toISOString(),
  };
}

export async function createAddon(input: AddonCreate, tx: Executor = db): Promise<Addon> {
  const issues: FieldIssue[] = [];
  let priceCents = 0;
  try {
    priceCents = parseAmountToMinor(input.price, input.currency);
  } catch (e) {
    issues.push({ field: "price", message: e instanceof RangeError ? e.message : "must be a decimal amount" });
  }
  issues.push(...(await checkFeatureGrants(input.features, [], tx)));
  const known = await metersByCode(
    input.limits.map((l) => l.meter),
    tx,
  );
  input.limits.forEach((l, i) => {
    if (!known.has(l.meter)) issues.push({ field: `limits.${i}.meter`, message: `no meter has the code "${l.meter}"` });
  });
  if (issues.length)
    throw new AppError(
      "validation_error",
      `Invalid add-on: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`,
      issues,
    );
  try {
    const [a] = await tx
      .insert(addons)
      .values({
        id: newId("addon"),
        code: input.code,
        name: input.name,
        description: input.description,
        kind: input.kind,
        interval: input.kind === "recurring" ? (input.interval ?? "month") : null,
        currency: input.currency,
        priceCents,
        features: input.features,
        limits: input.limits,
        credits: input.credits,
        maxQuantity: input.max_quantity,
        planCodes: input.plan_codes,
      })
      .returning();
    return a!;
  } catch (e) {
    if (isUniqueViolation(e, "addons_code_key"))
      throw conflict(`An add-on with code "${input.code}" already exists.`, [
        { field: "code", message: "already exists" },
      ]);
    throw e;
  }
}

export async function listAddons(opts: { includeArchived?: boolean } = {}, tx: Executor = db): Promise<Addon[]> {
  return tx
    .select()
    .from(addons)
    .where(opts.includeArchived ? undefined : isNull(addons.archivedAt))
    .orderBy(asc(addons.createdAt));
}

/** By id or code; the id wins when a code looks like another add-on's id. */
export async function getAddon(ref: string, tx: Executor = db): Promise<Addon> {
  const found = await tx
    .select()
    .from(addons)
    .where(or(eq(addons.id, ref), eq(addons.code, ref)));
  const a = found.find((x) => x.id === ref) ?? found[0];
  if (!a) throw notFound("Add-on");
  return a;
}

export async function updateAddon(ref: string, patch: AddonPatch, tx: Executor = db): Promise<Addon> {
  const a = await getAddon(ref, tx);
  const [updated] = await tx
    .update(addons)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.archived !== undefined && { archivedAt: patch.archived ? (a.archivedAt ?? new Date()) : null }),
    })
    .where(eq(addons.id, a.id))
    .returning();
  return updated!;
}

/** On sale and fitting a plan: its interval (recurring), its currency and the add-on's plan list. */
export const addonFits = (
  a: Addon,
  plan: { code: string; name?: string; interval: string; currency: string },
): string | null =>
  a.currency !== plan.currency
    ? `it is priced in ${a.currency.toUpperCase()}, the plan in ${plan.currency.toUpperCase()}`
    : a.kind === "recurring" && a.interval !== plan.interval
      ? `it is billed every ${a.interval}, the plan every ${plan.interval}`
      : a.planCodes.length > 0 && !a.planCodes.includes(plan.code)
        ? `it is not offered with the plan ${plan.name ? `${plan.name} (${plan.code})` : plan.code}`
        : null;

/** Add-ons on sale that fit the plan. */
export async function addonsForPlan(plan: { code: string; interval: string; currency: string }, tx: Executor = db) {
  return (await listAddons({}, tx)).filter((a) => addonFits(a, plan) === null);
}
