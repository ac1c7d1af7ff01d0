// Plan sync from Stripe: each recurring price is a plan (upserted by Stripe price id). Stripe prices
// are immutable, so a new price on the same product and interval is a new version of that plan; a
// new product name or description changes the plan's labels in place; an archived price takes
// the plan off sale. Prices are read first, then applied in one transaction (never waiting on the
// network inside it). Running the sync again changes nothing.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { plans, type Plan } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { minorToDecimal } from "@/lib/money";
import { ADDON_ITEM_METADATA } from "@/lib/stripe/billing";
import { listRecurringPrices, retrievePrice, type StripePriceInfo } from "@/lib/stripe/catalog";
import { createPlan, updatePlan } from "./plans";
import { PUBLISHED_PLAN_CODE_METADATA } from "./plan-stripe-status";
import { sameSnapshot, snapshotOf } from "./publish-plan";
import type { PlanSyncReportJson } from "./schemas";

export type SyncOutcome = "created" | "updated" | "versioned" | "unchanged" | "archived" | "skipped";
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60) || "plan";
const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);

async function latest(tx: Executor, where: ReturnType<typeof and>): Promise<Plan | undefined> {
  const [p] = await tx
    .select()
    .from(plans)
    .where(and(where, eq(plans.isLatest, true)))
    .limit(1);
  return p;
}

type PriceOutcome = { outcome: SyncOutcome; planId?: string; reason?: string };

/** Syncs one price, and keeps the snapshot of it on the plan it is linked to (plan-stripe-status.ts). */
export async function syncPrice(tx: Executor, info: StripePriceInfo): Promise<PriceOutcome> {
  const result = await applyPrice(tx, info);
  if (result.planId && result.outcome !== "skipped") {
    const seen = snapshotOf(info);
    const [row] = await tx
      .select({ snapshot: plans.stripeSnapshot, priceId: plans.stripePriceId })
      .from(plans)
      .where(eq(plans.id, result.planId));
    if (row?.priceId === info.id && !(row.snapshot && sameSnapshot(row.snapshot, seen)))
      await tx.update(plans).set({ stripeSnapshot: seen }).where(eq(plans.id, result.planId));
  }
  return result;
}

async function applyPrice(tx: Executor, info: StripePriceInfo): Promise<PriceOutcome> {
  if (info.interval !== "month" && info.interval !== "year")
    return { outcome: "skipped", reason: `interval ${info.interval ?? "none"} is not monthly or yearly` };
  // An add-on's price (Tally created it for a subscription item) is not a plan.
  if (info.product.metadata[ADDON_ITEM_METADATA])
    return { outcome: "skipped", reason: "the price of a Tally add-on, not a plan" };
  if (info.unitAmount === null)
    return {
      outcome: "skipped",
      reason: "price has no flat unit amount (metered or tiered prices are modelled as plan charges)",
    };
  // A price Tally published is Tally's: its plan is the source of truth, publishing keeps the price in
  // step, and the sync neither relabels that plan nor makes another plan of the price.
  const publishedFor = info.metadata[PUBLISHED_PLAN_CODE_METADATA];
  if (publishedFor) {
    const linked = await latest(tx, and(eq(plans.stripePriceId, info.id)));
    if (linked) return { outcome: "unchanged", planId: linked.id };
    return {
      outcome: "skipped",
      reason: info.active
        ? `published by Tally for plan ${publishedFor} but linked to none of its versions; publish that plan again`
        : `a retired price Tally published for plan ${publishedFor}`,
    };
  }
  const meta = info.product.metadata;
  const byPrice = await latest(tx, and(eq(plans.stripePriceId, info.id)));
  if (!info.active || !info.product.active) {
    if (byPrice?.active) {
      const r = await updatePlan(byPrice.id, { active: false }, tx);
      return { outcome: "archived", planId: r.plan.id };
    }
    return { outcome: "skipped", reason: "price or product is archived in Stripe" };
  }
  const labels = {
    name: info.product.name,
    description: info.product.description ?? "",
    ...(info.trialDays !== null || int(meta.trial_days) !== undefined
      ? { trial_days: info.trialDays ?? int(meta.trial_days)! }
      : {}),
    ...(int(meta.included_credits) !== undefined ? { included_credits: int(meta.included_credits)! } : {}),
  };
  if (byPrice) {
    const r = await updatePlan(byPrice.id, { ...labels, active: true, stripeProductId: info.product.id }, tx);
    return { outcome: r.newVersion ? "versioned" : r.changed ? "updated" : "unchanged", planId: r.plan.id };
  }
  const sibling = await latest(
    tx,
    and(eq(plans.stripeProductId, info.product.id), eq(plans.interval, info.interval), eq(plans.source, "stripe")),
  );
  if (sibling) {
    const r = await updatePlan(
      sibling.id,
      {
        ...labels,
        active: true,
        currency: info.currency,
        base_price: minorToDecimal(info.unitAmount, info.currency),
        stripePriceId: info.id,
      },
      tx,
    );
    return { outcome: r.newVersion ? "versioned" : "updated", planId: r.plan.id };
  }
  let code =
    info.lookupKey ??
    meta.tally_plan_code ??
    `${slug(info.product.name)}-${info.interval === "month" ? "monthly" : "yearly"}`;
  code = slug(code);
  if (await latest(tx, and(eq(plans.code, code)))) code = `${code}-${info.id.slice(-6).toLowerCase()}`;
  const created = await createPlan(
    {
      code,
      tier: slug(meta.tally_tier ?? info.product.name),
      name: info.product.name,
      description: info.product.description ?? "",
      interval: info.interval,
      currency: info.currency,
      base_price: minorToDecimal(info.unitAmount, info.currency),
      trial_days: labels.trial_days ?? 0,
      included_credits: labels.included_credits ?? 0,
      limits: [],
      charges: [],
      active: true,
      self_serve: true,
      sort_order: 0,
      source: "stripe",
      stripeProductId: info.product.id,
      stripePriceId: info.id,
    },
    tx,
  );
  return { outcome: "created", planId: created.id };
}

function report(
  results: { outcome: SyncOutcome; planId?: string; reason?: string; priceId: string }[],
): PlanSyncReportJson {
  const count = (o: SyncOutcome) => results.filter((r) => r.outcome === o).length;
  const synced = results.filter((r) => r.planId && r.outcome !== "archived");
  return {
    synced_count: synced.length,
    plan_ids: synced.map((r) => r.planId!),
    created: count("created"),
    updated: count("updated"),
    versioned: count("versioned"),
    unchanged: count("unchanged"),
    archived: count("archived"),
    skipped: results.filter((r) => r.outcome === "skipped").map((r) => ({ price_id: r.priceId, reason: r.reason! })),
  };
}

export async function syncAllPlansFromStripe(): Promise<PlanSyncReportJson> {
  const prices = await listRecurringPrices();
  // Active prices first, so a product's replacement price is seen before its retired one.
  prices.sort((a, b) => Number(b.active) - Number(a.active));
  const results = await db.transaction(async (tx) => {
    const out = [];
    for (const info of prices) out.push({ ...(await syncPrice(tx, info)), priceId: info.id });
    return out;
  });
  return report(results);
}

export async function syncPlanFromStripe(planId: string): Promise<PlanSyncReportJson> {
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!plan) throw new AppError("not_found", "Plan not found.");
  if (!plan.stripePriceId)
    throw new AppError(
      "validation_error",
      `Plan ${plan.code} is not linked to a Stripe price, so there is nothing to sync.`,
      [{ field: "plan_id", message: "not a Stripe plan" }],
    );
  const info = await retrievePrice(plan.stripePriceId);
  if (!info) throw new AppError("not_found", `Stripe has no price ${plan.stripePriceId} any more.`);
  const result = await db.transaction((tx) => syncPrice(tx, info));
  return report([{ ...result, priceId: info.id }]);
}
