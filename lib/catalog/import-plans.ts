// Import of plans given as FlexPrice-style JSON (the FlexPrice integration guide's shape): usage
// charges name a `usage_metric` (a meter code) with a per-unit `rate`; fixed charges an `amount`.
// Upserted by the source plan's id: running the same import again changes nothing, and a changed
// price makes a new version. All plans are imported in one transaction, or none.
import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/lib/db/client";
import { plans, type Plan } from "@/lib/db/schema";
import { PLAN_INTERVALS } from "@/lib/db/schema/catalog";
import { AppError, invalidField } from "@/lib/http/errors";
import { ZDecimal, type Charge } from "@/lib/rating";
import { createPlan, updatePlan } from "./plans";
import type { PlanImportReportJson } from "./schemas";

const ZFlexCharge = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("usage"),
    name: z.string().trim().min(1).optional(),
    usage_metric: z.string().trim().min(1, "name the meter code"),
    rate: ZDecimal,
  }),
  z.object({ type: z.literal("fixed"), name: z.string().trim().min(1, "must not be empty"), amount: ZDecimal }),
]);

export const ZPlanImport = z.object({
  plans: z
    .array(
      z.object({
        id: z.string().trim().min(1, "each plan needs its source id"),
        name: z.string().trim().min(1),
        description: z.string().trim().max(2000).default(""),
        currency: z.string().trim().toLowerCase().default("usd"),
        interval: z.enum(PLAN_INTERVALS).default("month"),
        base_price: ZDecimal.default("0"),
        charges: z.array(ZFlexCharge).default([]),
      }),
    )
    .min(1, "send at least one plan")
    .max(200),
});

/**
 * The newest version of the plan imported under a FlexPrice plan id (the FlexPrice guide assigns
 * plans by that id); a validation error naming `field` when none was imported.
 */
export async function importedPlanId(flexpricePlanId: string, field: string, tx: Executor = db): Promise<string> {
  const [p] = await tx
    .select({ id: plans.id })
    .from(plans)
    .where(and(eq(plans.importId, flexpricePlanId), eq(plans.source, "import"), eq(plans.isLatest, true)));
  if (!p) throw invalidField(field, `no plan was imported from FlexPrice with id ${flexpricePlanId}`);
  return p.id;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80) || "plan";

/** One plan from another system, in Tally's terms; `importId` is the id it had there. */
export type ImportedPlanInput = {
  importId: string;
  name: string;
  description: string;
  currency: string;
  interval: (typeof PLAN_INTERVALS)[number];
  base_price: string;
  trial_days?: number;
  charges: Charge[];
};

export type ImportedPlanChange = { plan: Plan; change: "created" | "versioned" | "updated" | "unchanged" };

/**
 * Creates or updates the plan imported under `importId`, inside the caller's transaction: labels
 * change in place, billing terms make a new version (subscribers keep theirs).
 */
export async function upsertImportedPlan(tx: Executor, p: ImportedPlanInput): Promise<ImportedPlanChange> {
  const [existing] = await tx
    .select()
    .from(plans)
    .where(and(eq(plans.importId, p.importId), eq(plans.isLatest, true)));
  if (existing) {
    const r = await updatePlan(
      existing.id,
      {
        name: p.name,
        description: p.description,
        currency: p.currency,
        interval: p.interval,
        base_price: p.base_price,
        ...(p.trial_days !== undefined && { trial_days: p.trial_days }),
        charges: p.charges,
      },
      tx,
    );
    return { plan: r.plan, change: r.newVersion ? "versioned" : r.changed ? "updated" : "unchanged" };
  }
  const plan = await createPlan(
    {
      code: slug(p.importId),
      name: p.name,
      description: p.description,
      interval: p.interval,
      currency: p.currency,
      base_price: p.base_price,
      trial_days: p.trial_days ?? 0,
      included_credits: 0,
      limits: [],
      charges: p.charges,
      active: true,
      self_serve: true,
      sort_order: 0,
      source: "import",
      importId: p.importId,
    },
    tx,
  );
  return { plan, change: "created" };
}

export async function importPlans(input: z.output<typeof ZPlanImport>): Promise<PlanImportReportJson> {
  return db.transaction(async (tx) => {
    const planIds: string[] = [];
    const counts = { created: 0, versioned: 0, updated: 0, unchanged: 0 };
    for (const [i, p] of input.plans.entries()) {
      const charges: Charge[] = p.charges.map((c) =>
        c.type === "usage"
          ? {
              type: "usage",
              meter: c.usage_metric,
              ...(c.name ? { name: c.name } : {}),
              model: "per_unit",
              unit_price: c.rate,
            }
          : { type: "fixed", name: c.name, amount: c.amount },
      );
      try {
        const r = await upsertImportedPlan(tx, {
          importId: p.id,
          name: p.name,
          description: p.description,
          currency: p.currency,
          interval: p.interval,
          base_price: p.base_price,
          charges,
        });
        counts[r.change]++;
        planIds.push(r.plan.id);
      } catch (e) {
        // Name the field in the imported document, not in the plan it was turned into.
        if (e instanceof AppError && Array.isArray(e.details)) {
          const details = (e.details as { field: string; message: string }[]).map((d) => ({
            field: `plans.${i}.${d.field.replace(/^charges\.(\d+)\.meter$/, "charges.$1.usage_metric")}`,
            message: d.message,
          }));
          throw new AppError(
            e.code,
            `Plan ${p.id}: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`,
            details,
          );
        }
        throw e;
      }
    }
    return { synced_count: planIds.length, plan_ids: planIds, ...counts };
  });
}
