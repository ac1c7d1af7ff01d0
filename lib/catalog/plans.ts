// Plans and their versions. Labels change in place; a change to any billing term writes version
// n+1 under the same code and retires the old row from sale, so subscriptions and call snapshots
// that point at the old row keep the terms they were made with.
import "server-only";
import { and, asc, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import { canonicalJson } from "@/lib/canonical-json";
import { db, type Executor } from "@/lib/db/client";
import {
  features as featuresTable,
  plans,
  type Plan,
  type PlanFeatureGrant,
  type PlanLimit,
  type PlanStatus,
} from "@/lib/db/schema";
import { AppError, conflict, invalidField, notFound, type FieldIssue } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { minorToDecimal, parseAmountToMinor } from "@/lib/money";
import { invalidateLimitedMeters, invalidateLimitSubscriptions } from "@/lib/metering/limit-alerts";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Charge } from "@/lib/rating";
import { metersByCode } from "./meters";
import { copyPlanBillingThreshold } from "./plan-billing-threshold";
import { planStatus } from "./plan-status";
import type { PlanCreate, PlanPatch } from "./schemas";

export type PlanTerms = {
  interval: Plan["interval"];
  currency: string;
  basePriceCents: number;
  trialDays: number;
  includedCredits: number;
  limits: PlanLimit[];
  features: PlanFeatureGrant[];
  charges: Charge[];
};

/** Checks what the schema cannot: the price fits the currency, meters exist and can be grouped as charged. */
export async function checkPlanTerms(
  input: {
    base_price: string;
    currency: string;
    charges: Charge[];
    limits: PlanLimit[];
    features?: PlanFeatureGrant[];
    /** Features the plan already grants: one archived since may stay granted. */
    granted?: PlanFeatureGrant[];
  },
  tx: Executor = db,
): Promise<number> {
  const issues: FieldIssue[] = [];
  let basePriceCents = 0;
  try {
    basePriceCents = parseAmountToMinor(input.base_price, input.currency);
  } catch (e) {
    issues.push({ field: "base_price", message: e instanceof RangeError ? e.message : "must be a decimal amount" });
  }
  const codes = [
    ...input.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])),
    ...input.limits.map((l) => l.meter),
  ];
  const known = await metersByCode(codes, tx);
  const charged = new Set<string>();
  input.charges.forEach((c, i) => {
    if (c.type !== "usage") return;
    const meter = known.get(c.meter);
    if (!meter) issues.push({ field: `charges.${i}.meter`, message: `no meter with code "${c.meter}"` });
    else if (c.model === "group" && !meter.groupBy.includes(c.group_by)) {
      issues.push({
        field: `charges.${i}.group_by`,
        message: `meter "${c.meter}" does not group by "${c.group_by}" (it groups by: ${meter.groupBy.join(", ") || "nothing"})`,
      });
    }
    if (charged.has(c.meter))
      issues.push({
        field: `charges.${i}.meter`,
        message: `meter "${c.meter}" is already charged by another charge of this plan`,
      });
    charged.add(c.meter);
  });
  input.limits.forEach((l, i) => {
    if (!known.has(l.meter)) issues.push({ field: `limits.${i}.meter`, message: `no meter with code "${l.meter}"` });
    if (input.limits.findIndex((o) => o.meter === l.meter) !== i)
      issues.push({ field: `limits.${i}.meter`, message: "limited twice" });
  });
  issues.push(...(await checkFeatureGrants(input.features ?? [], input.granted ?? [], tx)));
  if (issues.length)
    throw new AppError(
      "validation_error",
      `Invalid plan: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`,
      issues,
    );
  return basePriceCents;
}

/** Each granted feature exists, is not archived (unless granted already), and gets a value of its kind. */
export async function checkFeatureGrants(
  grants: PlanFeatureGrant[],
  granted: PlanFeatureGrant[],
  tx: Executor,
): Promise<FieldIssue[]> {
  if (grants.length === 0) return [];
  const rows = await tx
    .select()
    .from(featuresTable)
    .where(inArray(featuresTable.key, [...new Set(grants.map((g) => g.feature))]));
  const known = new Map(rows.map((f) => [f.key, f]));
  const before = new Set(granted.map((g) => g.feature));
  const issues: FieldIssue[] = [];
  grants.forEach((g, i) => {
    const f = known.get(g.feature);
    const field = `features.${i}`;
    if (!f) return issues.push({ field: `${field}.feature`, message: `no feature with key "${g.feature}"` });
    if (f.archivedAt && !before.has(g.feature))
      issues.push({ field: `${field}.feature`, message: `feature "${g.feature}" is archived` });
    if (f.kind === "metered")
      issues.push({
        field: `${field}.feature`,
        message: `"${g.feature}" is metered: set its value as the plan's limit on that meter (limits)`,
      });
    else if (f.kind === "boolean" && typeof g.value !== "boolean")
      issues.push({ field: `${field}.value`, message: `"${g.feature}" is on or off: send true or false` });
    else if (f.kind === "numeric" && typeof g.value !== "number")
      issues.push({ field: `${field}.value`, message: `"${g.feature}" is a number: send a whole number` });
    if (grants.findIndex((o) => o.feature === g.feature) !== i)
      issues.push({ field: `${field}.feature`, message: "granted twice" });
  });
  return issues;
}

export async function createPlan(
  input: Omit<PlanCreate, "allow_overage" | "features"> & {
    allow_overage?: boolean | null;
    features?: PlanFeatureGrant[];
    source?: Plan["source"];
    stripeProductId?: string | null;
    stripePriceId?: string | null;
    importId?: string | null;
  },
  outer?: Executor,
): Promise<Plan> {
  const run = async (tx: Executor) => {
    const basePriceCents = await checkPlanTerms(input, tx);
    const [existing] = await tx.select({ id: plans.id }).from(plans).where(eq(plans.code, input.code)).limit(1);
    if (existing)
      throw conflict(
        `A plan with code "${input.code}" already exists; change it with PATCH /api/v1/plans/${existing.id}.`,
        [{ field: "code", message: "already exists" }],
      );
    const onSale = (input.status ?? (input.active === false ? "draft" : "on_sale")) === "on_sale";
    try {
      const [p] = await tx
        .insert(plans)
        .values({
          id: newId("plan"),
          code: input.code,
          version: 1,
          tier: input.tier ?? input.code,
          name: input.name,
          description: input.description,
          interval: input.interval,
          currency: input.currency,
          basePriceCents,
          trialDays: input.trial_days,
          includedCredits: input.included_credits,
          limits: input.limits,
          features: input.features ?? [],
          charges: input.charges,
          active: onSale,
          publishedAt: onSale ? new Date() : null,
          selfServe: input.self_serve,
          allowOverage: input.allow_overage ?? null,
          isLatest: true,
          sortOrder: input.sort_order,
          source: input.source ?? "local",
          stripeProductId: input.stripeProductId ?? null,
          stripePriceId: input.stripePriceId ?? null,
          importId: input.importId ?? null,
        })
        .returning();
      return p!;
    } catch (e) {
      if (isUniqueViolation(e))
        throw conflict(`A plan with code "${input.code}" already exists.`, [
          { field: "code", message: "already exists" },
        ]);
      throw e;
    }
  };
  const plan = await (outer ? run(outer) : db.transaction(run));
  invalidateLimitCaches();
  return plan;
}

/** Usage metering caches which meters plans limit; a plan change must reach it at once here. */
function invalidateLimitCaches() {
  invalidateLimitedMeters();
  invalidateLimitSubscriptions();
}

export async function getPlan(id: string, tx: Executor = db): Promise<Plan> {
  const [p] = await tx.select().from(plans).where(eq(plans.id, id));
  if (!p) throw notFound("Plan");
  return p;
}

/** Plans for sale (the newest version of each code), or every latest version with includeInactive. */
export async function listPlans(
  opts: { includeInactive?: boolean; interval?: Plan["interval"] } = {},
): Promise<Plan[]> {
  const conditions = [eq(plans.isLatest, true)];
  if (!opts.includeInactive) conditions.push(eq(plans.active, true));
  if (opts.interval) conditions.push(eq(plans.interval, opts.interval));
  return db
    .select()
    .from(plans)
    .where(and(...conditions))
    .orderBy(asc(plans.sortOrder), asc(plans.basePriceCents), asc(plans.code));
}

export async function planVersions(code: string): Promise<Plan[]> {
  return db.select().from(plans).where(eq(plans.code, code)).orderBy(desc(plans.version));
}

const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

export type PlanChange = { plan: Plan; newVersion: boolean; changed: boolean };

/**
 * Applies a patch to the latest version of a plan. Billing terms that differ from the current
 * ones create a new version; labels are written in place. Returns what happened.
 */
export async function updatePlan(
  id: string,
  patch: PlanPatch & { stripePriceId?: string | null; stripeProductId?: string | null },
  outer?: Executor,
): Promise<PlanChange> {
  const run = async (tx: Executor): Promise<PlanChange> => {
    const [current] = await tx.select().from(plans).where(eq(plans.id, id)).for("update");
    if (!current) throw notFound("Plan");
    if (!current.isLatest)
      throw conflict(
        `Plan ${current.code} v${current.version} has been replaced by a newer version; change the newest one.`,
      );
    const currency = patch.currency ?? current.currency;
    const terms = {
      base_price: patch.base_price ?? minorToDecimal(current.basePriceCents, currency),
      currency,
      charges: patch.charges ?? current.charges,
      limits: patch.limits ?? current.limits,
      features: patch.features ?? current.features,
      granted: current.features,
    };
    const basePriceCents = await checkPlanTerms(terms, tx);
    const next: PlanTerms & { stripePriceId: string | null } = {
      interval: patch.interval ?? current.interval,
      currency,
      basePriceCents,
      trialDays: patch.trial_days ?? current.trialDays,
      includedCredits: patch.included_credits ?? current.includedCredits,
      limits: terms.limits,
      features: terms.features,
      charges: terms.charges,
      stripePriceId: patch.stripePriceId !== undefined ? patch.stripePriceId : current.stripePriceId,
    };
    const termsChanged =
      next.interval !== current.interval ||
      next.currency !== current.currency ||
      next.basePriceCents !== current.basePriceCents ||
      next.trialDays !== current.trialDays ||
      next.includedCredits !== current.includedCredits ||
      next.stripePriceId !== current.stripePriceId ||
      !sameJson(next.limits, current.limits) ||
      !sameJson(next.features, current.features) ||
      !sameJson(next.charges, current.charges);
    const status = nextStatus(current, patch);
    const active = status === "on_sale";
    const labels = {
      name: patch.name ?? current.name,
      description: patch.description ?? current.description,
      sortOrder: patch.sort_order ?? current.sortOrder,
      active,
      publishedAt: active ? (current.publishedAt ?? new Date()) : current.publishedAt,
      archivedAt: active ? null : current.active ? new Date() : current.archivedAt,
      selfServe: patch.self_serve ?? current.selfServe,
      // Stop or overage is a policy, not a price: it changes in place, for existing subscribers too.
      allowOverage: patch.allow_overage !== undefined ? patch.allow_overage : current.allowOverage,
      stripeProductId: patch.stripeProductId !== undefined ? patch.stripeProductId : current.stripeProductId,
    };
    const labelsChanged =
      labels.name !== current.name ||
      labels.description !== current.description ||
      labels.sortOrder !== current.sortOrder ||
      labels.active !== current.active ||
      labels.publishedAt !== current.publishedAt ||
      labels.selfServe !== current.selfServe ||
      labels.allowOverage !== current.allowOverage ||
      labels.stripeProductId !== current.stripeProductId;
    if (!termsChanged) {
      if (!labelsChanged) return { plan: current, newVersion: false, changed: false };
      const [p] = await tx.update(plans).set(labels).where(eq(plans.id, id)).returning();
      return { plan: p!, newVersion: false, changed: true };
    }
    // A draft has never been offered (subscribe and agent assignment refuse plans not on sale), so
    // nothing points at it: its terms change in place.
    if (current.publishedAt === null && !active) {
      const [p] = await tx
        .update(plans)
        .set({ ...next, ...labels })
        .where(eq(plans.id, id))
        .returning();
      return { plan: p!, newVersion: false, changed: true };
    }
    await tx.update(plans).set({ isLatest: false, active: false }).where(eq(plans.id, id));
    const [p] = await tx
      .insert(plans)
      .values({
        ...current,
        ...next,
        ...labels,
        id: newId("plan"),
        version: current.version + 1,
        isLatest: true,
        createdAt: new Date(),
        archivedAt: labels.active ? null : labels.archivedAt,
      })
      .returning();
    await copyPlanBillingThreshold(tx, current.id, p!.id);
    return { plan: p!, newVersion: true, changed: true };
  };
  const change = await (outer ? run(outer) : db.transaction(run));
  if (change.changed) invalidateLimitCaches();
  return change;
}

/** The status a patch leads to: `status` when sent, else `active` as before (false keeps a draft a draft). */
function nextStatus(current: Plan, patch: Pick<PlanPatch, "status" | "active">): PlanStatus {
  const now = planStatus(current);
  const wanted =
    patch.status ??
    (patch.active === undefined ? now : patch.active ? "on_sale" : now === "draft" ? "draft" : "off_sale");
  if (wanted === "draft" && now !== "draft")
    throw invalidField("status", "a plan that has been on sale cannot become a draft again; take it off sale instead");
  if (wanted === "off_sale" && now === "draft")
    throw invalidField("status", "a draft has never been on sale; put it on sale, or leave it a draft");
  return wanted;
}

/**
 * Moves the newest version of a plan through its life cycle: a draft goes on sale, a plan on sale
 * goes off sale, and back. Existing subscribers keep their plan whatever happens here.
 */
export async function setPlanStatus(id: string, status: "on_sale" | "off_sale"): Promise<Plan> {
  const plan = await getPlan(id);
  if (!plan.isLatest) throw conflict("Only the newest version of a plan can be put on sale or taken off sale.");
  return (await updatePlan(id, { status })).plan;
}

/** Takes a plan off sale. Existing subscriptions keep it. */
/**
 * Takes the newest version of a plan off sale (subscribers keep it). A draft was never on sale, so
 * there is nothing to take off: refused (409), as the operator would otherwise see it stay a draft.
 */
export async function archivePlan(id: string): Promise<Plan> {
  const [p] = await db
    .update(plans)
    // A plan on sale from before published_at was kept gets its first sale recorded now: off sale, not a draft.
    .set({ active: false, archivedAt: new Date(), publishedAt: sql`coalesce(${plans.publishedAt}, now())` })
    .where(and(eq(plans.id, id), eq(plans.isLatest, true), or(eq(plans.active, true), isNotNull(plans.publishedAt))))
    .returning();
  if (!p) {
    const current = await getPlan(id); // 404 when missing
    if (!current.isLatest) throw conflict("Only the newest version of a plan can be archived.");
    throw conflict(
      "This plan is a draft: it was never on sale, so there is nothing to archive. Put it on sale, or leave it a draft.",
    );
  }
  invalidateLimitCaches();
  return p;
}
