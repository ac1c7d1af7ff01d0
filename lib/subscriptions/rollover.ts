// Rolls subscription periods forward for subscriptions Tally bills itself (manual and the local
// provider; Stripe's move with its webhooks). Safe on several replicas: each run takes due rows
// with FOR UPDATE SKIP LOCKED, so two runners never advance the same subscription. The rows of a
// batch are closed together — read and written with a statement per table, not per period
// (bench/close-periods.ts) — and a batch that fails is closed one subscription at a time.
import "server-only";
import { and, asc, eq, getTableColumns, inArray, lte, not, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  plans,
  subscriptionDiscounts,
  subscriptions,
  type Plan,
  type Subscription,
  type SubscriptionStatus,
} from "@/lib/db/schema";
import { log } from "@/lib/log";
import { discountLasts, liveDiscounts } from "@/lib/coupons/live-discount";
import { couponCoversPlan } from "@/lib/coupons/discount-math";
import { periodBounds, periodContaining } from "@/lib/time";
import { addonsLeftBehind, removeAddonsLeftBehind } from "@/lib/addons/plan-fit";
import { recordHistories, recordHistory } from "./history";
import { afterPeriodsStarted, afterSubscriptionEnded } from "./hooks";

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

const LIVE = ["trialing", "active", "past_due"] as const satisfies readonly SubscriptionStatus[];
const isDue = (s: Subscription, now: Date) =>
  s.currentPeriodEnd <= now && (LIVE as readonly SubscriptionStatus[]).includes(s.status);

/** A subscription set to cancel at its period end ends; its last period's usage is billed in arrears, as a renewal would have. */
async function endAtPeriodEnd(tx: Executor, current: Subscription, plan: Plan, now: Date): Promise<void> {
  const endedAt = current.currentPeriodEnd;
  const [ended] = await tx
    .update(subscriptions)
    .set({ status: "canceled", endedAt, canceledAt: current.canceledAt ?? endedAt, updatedAt: now })
    .where(eq(subscriptions.id, current.id))
    .returning();
  await recordHistory(tx, ended!, plan, "canceled", {
    fromStatus: current.status,
    actor: ACTOR,
    occurredAt: endedAt,
    comment: "Canceled at period end",
  });
  await afterSubscriptionEnded(
    tx,
    { ...ended!, status: current.status },
    { start: current.currentPeriodStart, end: endedAt },
    plan.currency,
  );
}

const json = (v: unknown) => sql`${JSON.stringify(v)}::text::json`;
const idIn = (ids: string[]) => sql`${subscriptions.id} = any(array(select json_array_elements_text(${json(ids)})))`;

/**
 * Moves each subscription one period forward, all together: one update, one statement of history
 * rows, and the ended periods' usage read and invoiced as a batch (afterPeriodsStarted). Returns
 * the subscriptions as they are now (a declined local charge leaves one past due).
 */
async function renew(tx: Executor, subs: Subscription[], byId: Map<string, Plan>, now: Date): Promise<Subscription[]> {
  const steps = subs.map((current) => {
    const plan = byId.get(current.planId)!;
    const pending = current.pendingPlanId ? byId.get(current.pendingPlanId) : undefined;
    const wasTrial = current.status === "trialing";
    return { current, plan, nextPlan: pending ?? plan, period: nextPeriod(current), wasTrial };
  });
  // A coupon's terms stay on the subscription (its MRR) for the periods its discount covers; the
  // renewal into the first period it no longer covers clears them, and the history row says so.
  const discounts = await liveDiscounts(
    tx,
    subs.map((s) => s.id),
  );
  // A scheduled move to a plan a coupon limited to some plans does not cover ends the discount with it.
  const leftBehind = (s: (typeof steps)[number]) => {
    const d = discounts.get(s.current.id);
    return d && s.nextPlan.id !== s.current.planId && !couponCoversPlan(d.coupon, s.nextPlan.code) ? d : undefined;
  };
  const discountAfter = (s: (typeof steps)[number]) => {
    const d = discounts.get(s.current.id);
    if (!d) return { percent: s.current.discountPercent, amount: s.current.discountAmountCents };
    if (leftBehind(s)) return { percent: "0", amount: 0 };
    return discountLasts(d, s.period.start)
      ? { percent: d.coupon.percentOff ?? "0", amount: d.coupon.amountOffCents ?? 0 }
      : { percent: "0", amount: 0 };
  };
  const moved = await tx
    .update(subscriptions)
    .set({
      status: sql`v.status`,
      planId: sql`v.plan_id`,
      interval: sql`v.interval`,
      pendingPlanId: null,
      currentPeriodStart: sql`v.ps`,
      currentPeriodEnd: sql`v.pe`,
      discountPercent: sql`v.discount_percent`,
      discountAmountCents: sql`v.discount_amount_cents`,
      updatedAt: now,
    })
    .from(
      sql`json_to_recordset(${json(
        steps.map((s) => ({
          id: s.current.id,
          status: s.wasTrial ? "active" : s.current.status,
          plan_id: s.nextPlan.id,
          interval: s.nextPlan.interval,
          ps: s.period.start.toISOString(),
          pe: s.period.end.toISOString(),
          discount_percent: discountAfter(s).percent,
          discount_amount_cents: discountAfter(s).amount,
        })),
      )}) as v(id text, status text, plan_id text, interval text, ps timestamptz, pe timestamptz, discount_percent numeric, discount_amount_cents bigint)`,
    )
    .where(sql`${subscriptions.id} = v.id`)
    .returning(getTableColumns(subscriptions));
  for (const s of steps) {
    const ended = leftBehind(s);
    if (ended)
      await tx
        .update(subscriptionDiscounts)
        .set({ removedAt: s.period.start })
        .where(eq(subscriptionDiscounts.id, ended.discount.id));
  }
  const movedById = new Map(moved.map((m) => [m.id, m]));
  const done = steps.map((s) => ({ ...s, moved: movedById.get(s.current.id)! }));
  await recordHistories(
    tx,
    done.map((s) => ({
      sub: s.moved,
      plan: s.nextPlan,
      action: s.nextPlan.id !== s.current.planId ? "plan_changed" : s.wasTrial ? "activated" : "renewed",
      opts: {
        fromStatus: s.current.status,
        fromPlanId: s.current.planId,
        actor: ACTOR,
        occurredAt: s.period.start,
        ...(leftBehind(s) && {
          comment: `Coupon ${leftBehind(s)!.coupon.code} ended: it does not apply to the plan ${s.nextPlan.code}`,
        }),
      },
    })),
  );
  // A scheduled move to a plan that does not offer a recurring add-on removes it as the new period
  // starts (before its fees are billed); nothing of the ended period is left to credit.
  for (const s of done.filter((d) => d.nextPlan.id !== d.current.planId))
    await removeAddonsLeftBehind(
      tx,
      s.moved,
      await addonsLeftBehind(tx, s.current, s.nextPlan, s.period.start, false),
      {
        actor: ACTOR,
        at: s.period.start,
      },
    );
  // Usage of a paid period is billed in arrears, priced with the plan of that period; a trial's is free.
  await afterPeriodsStarted(
    tx,
    done.map((s) => ({
      sub: s.moved,
      plan: s.nextPlan,
      at: s.period.start,
      ended: s.wasTrial
        ? undefined
        : { start: s.current.currentPeriodStart, end: s.current.currentPeriodEnd, plan: s.plan },
    })),
  );
  const fresh = new Map(
    (
      await tx
        .select()
        .from(subscriptions)
        .where(idIn(subs.map((s) => s.id)))
    ).map((r) => [r.id, r]),
  );
  return subs.map((s) => fresh.get(s.id)!);
}

/**
 * Closes the due periods of `subs`, as a batch: a subscription left alone for months catches up
 * one period at a time, each with its history row and invoice. Returns how many periods moved.
 */
async function closePeriods(tx: Executor, subs: Subscription[], now: Date): Promise<number> {
  let steps = 0;
  let current = subs.filter((s) => isDue(s, now));
  while (current.length > 0) {
    const ids = [...new Set(current.flatMap((s) => (s.pendingPlanId ? [s.planId, s.pendingPlanId] : [s.planId])))];
    const byId = new Map((await tx.select().from(plans).where(inArray(plans.id, ids))).map((p) => [p.id, p]));
    for (const s of current.filter((c) => c.cancelAtPeriodEnd)) {
      await endAtPeriodEnd(tx, s, byId.get(s.planId)!, now);
      steps++;
    }
    const renewing = current.filter((c) => !c.cancelAtPeriodEnd);
    const moved = renewing.length ? await renew(tx, renewing, byId, now) : [];
    steps += moved.length;
    current = moved.filter((s) => isDue(s, now));
  }
  return steps;
}

/**
 * Advances every due subscription; returns how many periods moved. Each batch closes together (a
 * statement per table for the batch, in one transaction); if the batch fails, its subscriptions
 * are closed one by one, each in its own savepoint, so one the database refuses holds back none of
 * the others. Those that failed are logged, left due for the next run, and reported by the error
 * this throws after the rest have been closed.
 */
export async function rollOverSubscriptions(now = new Date(), batch = 100): Promise<number> {
  let total = 0;
  const failed = new Map<string, unknown>();
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(subscriptions)
        .where(
          and(
            inArray(subscriptions.status, [...LIVE]),
            inArray(subscriptions.provider, ["manual", "local"]),
            lte(subscriptions.currentPeriodEnd, now),
            failed.size ? not(idIn([...failed.keys()])) : undefined,
          ),
        )
        .orderBy(asc(subscriptions.currentPeriodEnd))
        .limit(batch)
        .for("update", { skipLocked: true });
      try {
        return { rows: due.length, steps: await tx.transaction((sp) => closePeriods(sp, due, now)) };
      } catch (err) {
        if (due.length === 1) failed.set(due[0]!.id, err);
        let steps = 0;
        if (due.length > 1)
          for (const sub of due) {
            try {
              steps += await tx.transaction((sp) => closePeriods(sp, [sub], now));
            } catch (e) {
              failed.set(sub.id, e);
            }
          }
        return { rows: due.length, steps };
      }
    });
    total += moved.steps;
    if (moved.rows < batch) break;
  }
  if (failed.size) {
    for (const [id, err] of failed) log.error({ err, subscription_id: id }, "closing a subscription period failed");
    throw new Error(
      `Closing subscription periods: ${total} closed, ${failed.size} failed (${[...failed.keys()].slice(0, 5).join(", ")}${failed.size > 5 ? ", …" : ""})`,
    );
  }
  return total;
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
