// Rolls subscription periods forward for subscriptions Tally bills itself (manual and the local
// provider; Stripe's move with its webhooks). Safe on several replicas: each run takes due rows
// with FOR UPDATE SKIP LOCKED, so two runners never advance the same subscription.
import "server-only";
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { plans, subscriptions, type Plan, type Subscription } from "@/lib/db/schema";
import { periodBounds, periodContaining } from "@/lib/time";
import { recordHistory } from "./history";
import { afterPeriodStarted, afterSubscriptionEnded } from "./hooks";

const ACTOR = "job:subscription-rollover";

/** The period after the current one. A trial's end starts period 0 of the paid schedule. */
export function nextPeriod(
  sub: Pick<Subscription, "billingAnchor" | "interval" | "currentPeriodStart" | "trialEnd" | "status">,
): { start: Date; end: Date } {
  if (sub.status === "trialing" || sub.currentPeriodStart < sub.billingAnchor)
    return periodBounds(sub.billingAnchor, sub.interval, 0);
  const { index } = periodContaining(sub.billingAnchor, sub.interval, sub.currentPeriodStart);
  return periodBounds(sub.billingAnchor, sub.interval, index + 1);
}

async function advance(tx: Executor, sub: Subscription, now: Date): Promise<number> {
  let current = sub;
  let steps = 0;
  // A subscription left alone for months catches up one period at a time, each with its history row.
  while (
    current.currentPeriodEnd <= now &&
    (current.status === "active" || current.status === "trialing" || current.status === "past_due")
  ) {
    const endedAt = current.currentPeriodEnd;
    const [plan] = await tx.select().from(plans).where(eq(plans.id, current.planId));
    if (current.cancelAtPeriodEnd) {
      const [ended] = await tx
        .update(subscriptions)
        .set({ status: "canceled", endedAt, canceledAt: current.canceledAt ?? endedAt, updatedAt: now })
        .where(eq(subscriptions.id, current.id))
        .returning();
      await recordHistory(tx, ended!, plan!, "canceled", {
        fromStatus: current.status,
        actor: ACTOR,
        occurredAt: endedAt,
        comment: "Canceled at period end",
      });
      // The last period's usage is billed in arrears, as a renewal would have.
      await afterSubscriptionEnded(
        tx,
        { ...ended!, status: current.status },
        { start: current.currentPeriodStart, end: endedAt },
        plan!.currency,
      );
      return steps + 1;
    }
    let nextPlan: Plan = plan!;
    if (current.pendingPlanId) {
      const [pending] = await tx.select().from(plans).where(eq(plans.id, current.pendingPlanId));
      if (pending) nextPlan = pending;
    }
    const period = nextPeriod(current);
    const wasTrial = current.status === "trialing";
    const [moved] = await tx
      .update(subscriptions)
      .set({
        status: wasTrial ? "active" : current.status,
        planId: nextPlan.id,
        interval: nextPlan.interval,
        pendingPlanId: null,
        currentPeriodStart: period.start,
        currentPeriodEnd: period.end,
        updatedAt: now,
      })
      .where(eq(subscriptions.id, current.id))
      .returning();
    const action = nextPlan.id !== current.planId ? "plan_changed" : wasTrial ? "activated" : "renewed";
    await recordHistory(tx, moved!, nextPlan, action, {
      fromStatus: current.status,
      fromPlanId: current.planId,
      actor: ACTOR,
      occurredAt: period.start,
    });
    // Usage of a paid period is billed in arrears, priced with the plan of that period; a trial's is free.
    const ended = wasTrial
      ? undefined
      : { start: current.currentPeriodStart, end: current.currentPeriodEnd, plan: plan! };
    await afterPeriodStarted(tx, moved!, nextPlan, period.start, ended);
    [current] = (await tx.select().from(subscriptions).where(eq(subscriptions.id, moved!.id))) as [Subscription];
    steps++;
  }
  return steps;
}

/** Advances every due subscription; returns how many periods moved. */
export async function rollOverSubscriptions(now = new Date(), batch = 100): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(subscriptions)
        .where(
          and(
            inArray(subscriptions.status, ["trialing", "active", "past_due"]),
            inArray(subscriptions.provider, ["manual", "local"]),
            lte(subscriptions.currentPeriodEnd, now),
          ),
        )
        .orderBy(asc(subscriptions.currentPeriodEnd))
        .limit(batch)
        .for("update", { skipLocked: true });
      let steps = 0;
      for (const sub of due) steps += await advance(tx, sub, now);
      return { rows: due.length, steps };
    });
    total += moved.steps;
    if (moved.rows < batch) return total;
  }
}

export const subscriptionRolloverJob = {
  name: "subscription-rollover",
  everyMs: 60_000,
  run: (now: Date) => rollOverSubscriptions(now),
};

/** For tests and tools: how many subscriptions are due. */
export async function countDue(now: Date): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(subscriptions)
    .where(
      and(inArray(subscriptions.status, ["trialing", "active", "past_due"]), lte(subscriptions.currentPeriodEnd, now)),
    );
  return Number(r?.n ?? 0);
}
