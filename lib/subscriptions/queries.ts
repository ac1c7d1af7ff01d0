// Reads of subscriptions for pages and the API.
import "server-only";
import { and, desc, eq, inArray, min, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { conflict } from "@/lib/http/errors";
import {
  LIVE_STATUSES,
  plans,
  subscriptions,
  type Plan,
  type Subscription,
  type SubscriptionStatus,
} from "@/lib/db/schema";

export type SubscriptionWithPlan = { subscription: Subscription; plan: Plan };

/** The organization's current subscription (trialing, active, past due or incomplete), or the most recent one. */
export async function currentSubscription(orgId: string): Promise<SubscriptionWithPlan | null> {
  const [row] = await db
    .select({ subscription: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(eq(subscriptions.orgId, orgId))
    .orderBy(
      sql`${subscriptions.status} in ('incomplete', 'trialing', 'active', 'past_due') desc`,
      desc(subscriptions.createdAt),
    )
    .limit(1);
  return row ?? null;
}

/** When the organization's first subscription began (null when it never had one). */
export async function firstSubscriptionAt(orgId: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(subscriptions.createdAt) })
    .from(subscriptions)
    .where(eq(subscriptions.orgId, orgId));
  return row?.at ?? null;
}

export async function liveSubscriptionsByOrg(orgIds: string[]): Promise<Map<string, SubscriptionWithPlan>> {
  if (orgIds.length === 0) return new Map();
  const rows = await db
    .select({ subscription: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(and(inArray(subscriptions.orgId, orgIds), inArray(subscriptions.status, [...LIVE_STATUSES])));
  return new Map(rows.map((r) => [r.subscription.orgId, r]));
}

/**
 * A subscription by Tally id or external id, scoped to an organization unless the caller is an operator
 * (orgId null). External ids are unique per organization (the table is keyed by org_id, docs/scaling.md):
 * an operator's external id that two customers use is refused as ambiguous rather than guessed.
 */
export async function findSubscription(ref: string, orgId: string | null): Promise<SubscriptionWithPlan | null> {
  const found = await db
    .select({ subscription: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(
      and(
        sql`(${subscriptions.id} = ${ref} or ${subscriptions.externalId} = ${ref})`,
        orgId ? eq(subscriptions.orgId, orgId) : undefined,
      ),
    )
    .orderBy(sql`${subscriptions.id} = ${ref} desc`)
    .limit(2);
  const [row, other] = found;
  if (row && other && row.subscription.id !== ref)
    throw conflict(`external_id "${ref}" is used by subscriptions of several customers: use the subscription's id.`, [
      { field: "id", message: "ambiguous external_id" },
    ]);
  return row ?? null;
}

export async function listSubscriptions(opts: {
  orgId?: string;
  status?: SubscriptionStatus;
  limit?: number;
}): Promise<SubscriptionWithPlan[]> {
  return db
    .select({ subscription: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(
      and(
        opts.orgId ? eq(subscriptions.orgId, opts.orgId) : undefined,
        opts.status ? eq(subscriptions.status, opts.status) : undefined,
      ),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(opts.limit ?? 100);
}

/** Live subscriptions per plan version. */
export async function liveSubscriberCounts(planIds: string[]): Promise<Map<string, number>> {
  if (planIds.length === 0) return new Map();
  const rows = await db
    .select({ planId: subscriptions.planId, n: sql<number>`count(*)::int` })
    .from(subscriptions)
    .where(and(inArray(subscriptions.planId, planIds), inArray(subscriptions.status, [...LIVE_STATUSES])))
    .groupBy(subscriptions.planId);
  return new Map(rows.map((r) => [r.planId, Number(r.n)]));
}
