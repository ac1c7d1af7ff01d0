// Included credits: each allocation window of a subscription (its period; a month of a yearly
// period) grants the plan's included credits once, as a `subscription` bucket that expires at the
// window's end. The grant is keyed alloc:<subscription>:<window start> — checked under the
// organization's lock and enforced by a unique index — so the period-start hook and the job, on
// any number of replicas, never grant a window twice.
import "server-only";
import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { creditGrants, plans, subscriptions, type Plan, type Subscription } from "@/lib/db/schema";
import { formatDateRange, formatMonth } from "@/lib/format";
import { log } from "@/lib/log";
import { allocationWindow } from "./allocation-window";
import { grantBucket } from "./grant-credits";
import { includedCreditsFor } from "@/lib/overrides/overrides";

/** Statuses that receive included credits (a trial does; an unpaid `incomplete` one does not). */
const ALLOCATING_STATUSES = ["trialing", "active", "past_due"] as const;

/** Grants the window's included credits if not yet granted. Runs inside the caller's transaction. */
export async function allocateIncludedCredits(
  tx: Executor,
  sub: Subscription,
  plan: Plan,
  at: Date,
): Promise<{ created: boolean; grantId: string } | null> {
  if (!(ALLOCATING_STATUSES as readonly string[]).includes(sub.status)) return null;
  const window = allocationWindow(sub, at);
  if (!window) return null;
  // The plan's credits, or the customer's override in force when the window starts (lib/overrides).
  const credits = await includedCreditsFor(tx, sub.orgId, plan, window.start);
  if (credits <= 0) return null;
  const r = await grantBucket(
    tx,
    sub.orgId,
    {
      source: "subscription",
      origin: "allocation",
      amount: credits,
      expiresAt: window.end,
      idempotencyKey: window.key,
      reference: `${sub.id}:${window.start.toISOString()}`,
      subscriptionId: sub.id,
      reason: allocationReason(plan.name, window),
      actor: "subscription",
    },
    at,
    { allocation: true },
  );
  return { created: r.created, grantId: r.grant.id };
}

/**
 * The job: every live subscription whose current window has no allocation yet gets it. This is
 * how yearly plans receive their credits month by month, and it heals a missed period-start hook.
 */
export async function allocateDueCredits(now: Date, batch = 500): Promise<{ granted: number }> {
  const live = await db
    .select({ subscription: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(
      and(
        inArray(subscriptions.status, [...ALLOCATING_STATUSES]),
        // A customer given included credits by an override is due even on a plan without any.
        or(
          gt(plans.includedCredits, 0),
          sql`exists (select 1 from customer_overrides co where co.org_id = ${subscriptions.orgId} and co.kind = 'included_credits' and co.revoked_at is null)`,
        ),
        gt(subscriptions.currentPeriodEnd, now),
      ),
    );
  const due = live
    .map((r) => ({ ...r, window: allocationWindow(r.subscription, now) }))
    .filter((r): r is typeof r & { window: NonNullable<typeof r.window> } => r.window !== null);
  if (due.length === 0) return { granted: 0 };
  const existing = new Set<string>();
  for (let i = 0; i < due.length; i += 1000) {
    const chunk = due.slice(i, i + 1000);
    const found = await db
      .select({ orgId: creditGrants.orgId, key: creditGrants.idempotencyKey })
      .from(creditGrants)
      .where(
        and(
          inArray(creditGrants.orgId, [...new Set(chunk.map((r) => r.subscription.orgId))]),
          inArray(
            creditGrants.idempotencyKey,
            chunk.map((r) => r.window.key),
          ),
        ),
      );
    for (const f of found) existing.add(`${f.orgId}|${f.key}`);
  }
  let granted = 0;
  for (const r of due.filter((d) => !existing.has(`${d.subscription.orgId}|${d.window.key}`)).slice(0, batch)) {
    try {
      const outcome = await db.transaction((tx) => allocateIncludedCredits(tx, r.subscription, r.plan, now));
      if (outcome?.created) granted++;
    } catch (err) {
      log.error({ err, subscription_id: r.subscription.id }, "credit allocation failed");
    }
  }
  return { granted };
}

/**
 * How a person reads an allocation: "Included with Starter (Dec 2026)" for a calendar month, else the
 * days it covers ("Included with Starter (Dec 21, 2026 – Jan 20, 2027)").
 */
export function allocationReason(planName: string, window: { start: Date; end: Date }): string {
  const { start, end } = window;
  const calendarMonth =
    start.getTime() === Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1) &&
    end.getTime() === Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
  const period = calendarMonth ? formatMonth(start.toISOString().slice(0, 7)) : formatDateRange(start, end);
  return `Included with ${planName} (${period})`;
}
