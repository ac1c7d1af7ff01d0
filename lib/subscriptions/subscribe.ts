// Subscribing a customer to a plan without a checkout (free plans, invoiced customers, seeds).
// Checkout and webhooks (payments) land in these same records.
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  LIVE_STATUSES,
  plans,
  subscriptions,
  type Plan,
  type Subscription,
  type SubscriptionProvider,
} from "@/lib/db/schema";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/db/errors";
import { addDays, periodBounds } from "@/lib/time";
import { recordHistory } from "./history";
import { trialDaysFor } from "@/lib/overrides/overrides";
import { afterPeriodStarted } from "./hooks";
import { attachDiscount, type Redeemable } from "@/lib/coupons/redeem";

export type SubscribeInput = {
  plan: { id: string } | { code: string };
  externalId?: string | null;
  actor: string;
  now?: Date;
  provider?: SubscriptionProvider;
  /** Skip the plan's trial (e.g. the customer already had one). */
  skipTrial?: boolean;
  status?: "active" | "incomplete";
  /** False for a subscription started through the sandbox: served in full, never counted in MRR. */
  livemode?: boolean;
  /** A coupon or promotion code to redeem onto the new subscription (before its first fee is billed). */
  discount?: Redeemable;
};

export async function resolvePlan(ref: { id: string } | { code: string }, tx: Executor = db): Promise<Plan> {
  const where = "id" in ref ? eq(plans.id, ref.id) : and(eq(plans.code, ref.code), eq(plans.isLatest, true));
  const [plan] = await tx.select().from(plans).where(where);
  if (!plan) throw notFound("Plan");
  return plan;
}

export async function liveSubscription(orgId: string, tx: Executor = db): Promise<Subscription | null> {
  const [sub] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, [...LIVE_STATUSES])));
  return sub ?? null;
}

export async function subscribe(orgId: string, input: SubscribeInput, outer?: Executor): Promise<Subscription> {
  const now = input.now ?? new Date();
  const run = async (tx: Executor) => {
    const plan = await resolvePlan(input.plan, tx);
    if (!plan.active)
      throw new AppError("validation_error", `Plan ${plan.code} is archived and takes no new subscribers.`, [
        { field: "plan", message: "archived" },
      ]);
    if (await liveSubscription(orgId, tx)) {
      throw conflict("This customer already has a current subscription: change its plan or cancel it first.");
    }
    // The trial is the plan's unless an operator gave this customer another (lib/overrides).
    const trialDays = await trialDaysFor(tx, orgId, plan, now);
    const trialing = trialDays > 0 && !input.skipTrial && input.status !== "incomplete";
    const trialEnd = trialing ? addDays(now, trialDays) : null;
    const anchor = trialEnd ?? now;
    const period = trialEnd ? { start: now, end: trialEnd } : periodBounds(anchor, plan.interval, 0);
    try {
      const [inserted] = await tx
        .insert(subscriptions)
        .values({
          id: newId("sub"),
          orgId,
          planId: plan.id,
          status: trialing ? "trialing" : (input.status ?? "active"),
          interval: plan.interval,
          billingAnchor: anchor,
          currentPeriodStart: period.start,
          currentPeriodEnd: period.end,
          trialEnd,
          externalId: input.externalId ?? null,
          provider: input.provider ?? "manual",
          livemode: input.livemode ?? true,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordHistory(tx, inserted!, plan, trialing ? "trial_started" : "created", {
        actor: input.actor,
        occurredAt: now,
      });
      const sub = input.discount
        ? (
            await attachDiscount(tx, inserted!, plan, input.discount, {
              actor: input.actor,
              at: now,
              firstPeriod: "current",
            })
          ).sub
        : inserted;
      if (sub!.status !== "incomplete") await afterPeriodStarted(tx, sub!, plan, now);
      return sub!;
    } catch (e) {
      if (isUniqueViolation(e, "subscriptions_external_id_key")) {
        throw conflict(`A subscription with external_id "${input.externalId}" already exists.`, [
          { field: "external_id", message: "already in use" },
        ]);
      }
      if (isUniqueViolation(e, "subscriptions_one_live_per_org")) {
        throw conflict("This customer already has a current subscription: change its plan or cancel it first.");
      }
      throw e;
    }
  };
  return outer ? run(outer) : db.transaction(run);
}
