// Moving subscribers to a plan's newest version. Editing a plan's terms makes version n+1 and its
// subscribers keep the version they joined; an operator moves them in one action, after a preview
// that lists who moves and what their price becomes. The move takes effect at each subscriber's
// next period (a scheduled plan change, as a customer's downgrade is): no proration, no
// mid-period split, and every period is billed under one version's terms.
import "server-only";
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { canonicalJson } from "@/lib/canonical-json";
import { db } from "@/lib/db/client";
import { LIVE_STATUSES, organizations, plans, subscriptions, type Plan, type Subscription } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";
import { schedulePlanChange } from "./lifecycle";

export type VersionMoveRow = {
  subscription_id: string;
  customer: string;
  status: Subscription["status"];
  from_plan_id: string;
  from_version: number;
  from_price_cents: number;
  to_price_cents: number;
  /** to − from, per the plan's interval. */
  change_cents: number;
  currency: string;
  /** Usage prices, included credits, limits or the trial differ between the two versions. */
  other_terms_change: boolean;
  effective_at: string;
  /** Why this subscriber is not moved; absent for those who move. */
  skipped?: string;
};

export type VersionMovePreview = {
  plan: { id: string; code: string; name: string; version: number; interval: Plan["interval"]; currency: string };
  moves: VersionMoveRow[];
  skipped: VersionMoveRow[];
};

const otherTermsChange = (a: Plan, b: Plan) =>
  a.trialDays !== b.trialDays ||
  a.includedCredits !== b.includedCredits ||
  canonicalJson(a.charges) !== canonicalJson(b.charges) ||
  canonicalJson(a.limits) !== canonicalJson(b.limits);

function skipReason(sub: Subscription, from: Plan, to: Plan, versions: Map<string, Plan>): string | undefined {
  if (sub.status === "incomplete") return "has not started yet (checkout unpaid)";
  if (sub.cancelAtPeriodEnd) return "cancels at the end of the period";
  if (sub.pendingPlanId && sub.pendingPlanId !== to.id) {
    const pending = versions.get(sub.pendingPlanId);
    return pending ? `already moves to version ${pending.version}` : "has another plan change scheduled";
  }
  if (sub.pendingPlanId === to.id) return "already moves to this version at the end of the period";
  if (from.interval !== to.interval) return `is billed ${from.interval}ly and this version ${to.interval}ly`;
  if (from.currency !== to.currency) return `pays in ${from.currency.toUpperCase()}`;
  if (sub.provider === "stripe" && (!to.stripePriceId || to.stripePriceId === from.stripePriceId))
    return "is billed by Stripe and this version has no Stripe price of its own (create it in Stripe and sync)";
  return undefined;
}

async function load(planId: string) {
  const [target] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!target) throw notFound("Plan");
  if (!target.isLatest) throw conflict("Subscribers can only be moved to the newest version of a plan.");
  const older = await db
    .select()
    .from(plans)
    .where(and(eq(plans.code, target.code), lt(plans.version, target.version)));
  const versions = new Map([...older, target].map((p) => [p.id, p]));
  const subs = older.length
    ? await db
        .select({ sub: subscriptions, customer: organizations.name })
        .from(subscriptions)
        .innerJoin(organizations, eq(organizations.id, subscriptions.orgId))
        .where(
          and(
            inArray(
              subscriptions.planId,
              older.map((p) => p.id),
            ),
            inArray(subscriptions.status, [...LIVE_STATUSES]),
          ),
        )
        .orderBy(asc(organizations.name), asc(subscriptions.id))
    : [];
  return { target, versions, subs };
}

export async function previewVersionMove(planId: string): Promise<VersionMovePreview> {
  const { target, versions, subs } = await load(planId);
  const rows = subs.map(({ sub, customer }): VersionMoveRow => {
    const from = versions.get(sub.planId)!;
    const skipped = skipReason(sub, from, target, versions);
    return {
      subscription_id: sub.id,
      customer,
      status: sub.status,
      from_plan_id: from.id,
      from_version: from.version,
      from_price_cents: from.basePriceCents,
      to_price_cents: target.basePriceCents,
      change_cents: target.basePriceCents - from.basePriceCents,
      currency: target.currency,
      other_terms_change: otherTermsChange(from, target),
      effective_at: sub.currentPeriodEnd.toISOString(),
      ...(skipped && { skipped }),
    };
  });
  return {
    plan: {
      id: target.id,
      code: target.code,
      name: target.name,
      version: target.version,
      interval: target.interval,
      currency: target.currency,
    },
    moves: rows.filter((r) => !r.skipped),
    skipped: rows.filter((r) => r.skipped),
  };
}

/**
 * Schedules the move of the previewed subscribers (`subscriptionIds`, as the preview listed them)
 * to the newest version at their period end. A subscriber whose situation changed since the
 * preview (canceled, another change scheduled) is left alone and counted as skipped.
 */
export async function moveSubscribersToVersion(
  planId: string,
  subscriptionIds: string[],
  actor: string,
  now = new Date(),
): Promise<{ moved: number; skipped: number; version: number }> {
  const wanted = new Set(subscriptionIds);
  let moved = 0;
  const version = await db.transaction(async (tx) => {
    const [target] = await tx.select().from(plans).where(eq(plans.id, planId)).for("update");
    if (!target) throw notFound("Plan");
    if (!target.isLatest) throw conflict("A newer version of this plan exists now; review the move again.");
    const versions = new Map(
      (await tx.select().from(plans).where(eq(plans.code, target.code))).map((p) => [p.id, p] as const),
    );
    const olderIds = [...versions.values()].filter((p) => p.version < target.version).map((p) => p.id);
    if (olderIds.length === 0 || wanted.size === 0) return target.version;
    const locked = await tx
      .select()
      .from(subscriptions)
      .where(
        and(
          inArray(subscriptions.id, [...wanted]),
          inArray(subscriptions.planId, olderIds),
          inArray(subscriptions.status, [...LIVE_STATUSES]),
        ),
      )
      .orderBy(asc(subscriptions.id))
      .for("update");
    for (const sub of locked) {
      const from = versions.get(sub.planId)!;
      if (skipReason(sub, from, target, versions)) continue;
      await schedulePlanChange(
        tx,
        sub,
        target,
        actor,
        now,
        `Moved from version ${from.version} to version ${target.version}`,
      );
      moved++;
    }
    return target.version;
  });
  return { moved, skipped: wanted.size - moved, version };
}
