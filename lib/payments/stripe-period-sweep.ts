// When every webhook of a renewal is lost, nothing tells Tally that a Stripe subscription moved to
// a new period, and the ended period's usage would never be billed. This sweep (run with the
// reconciliation job) re-reads from Stripe each Stripe subscription whose period, as Tally knows
// it, ended longer ago than Stripe keeps a renewal draft open; a renewed period found there is
// applied as its webhook would have been, and the ended period's usage is queued at once. It goes
// on a separate Stripe invoice (the renewal draft is finalized by then), billed once: the outbox
// job is deduplicated by period, and the period's lines are frozen in period_billings, so a webhook
// arriving late, or the next sweep, adds nothing.
//
// One period is recovered per subscription and run: the one Tally knew. If Stripe renewed more than
// once meanwhile, the periods in between are not billed (logged).
import "server-only";
import { and, asc, eq, inArray, isNotNull, lte } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { subscriptions } from "@/lib/db/schema";
import { log } from "@/lib/log";
import { retrieveSubscription } from "@/lib/stripe/billing";
import { stripeConfigured } from "@/lib/stripe/client";
import { DRAFT_GRACE_MS, enqueueStripePeriodUsage } from "./stripe-period-usage";
import { applyStripeSubscription } from "./subscription-sync";

const ACTOR = "job:stripe-period-sweep";
/** Stripe statuses under which a renewed period is a billed one. */
const BILLING = new Set(["active", "past_due", "unpaid", "paused"]);

/** Re-reads up to `batch` Stripe subscriptions whose known period ended; returns how many had renewed unheard. */
export async function sweepStripePeriods(now = new Date(), batch = 100): Promise<number> {
  if (!stripeConfigured()) return 0;
  const due = await db
    .select({ id: subscriptions.id, stripeId: subscriptions.stripeSubscriptionId })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.provider, "stripe"),
        inArray(subscriptions.status, ["active", "past_due", "trialing"]),
        isNotNull(subscriptions.stripeSubscriptionId),
        lte(subscriptions.currentPeriodEnd, new Date(now.getTime() - DRAFT_GRACE_MS)),
      ),
    )
    .orderBy(asc(subscriptions.currentPeriodEnd))
    .limit(batch);
  let renewed = 0;
  for (const { id, stripeId } of due) {
    const state = await retrieveSubscription(stripeId!);
    if (!state) {
      log.warn({ subscription: id, stripe: stripeId }, "Stripe has no subscription the period sweep expected");
      continue;
    }
    renewed += await db.transaction(async (tx) => {
      const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for("update");
      if (!sub || !state.currentPeriodStart || state.currentPeriodStart <= sub.currentPeriodStart) {
        await applyStripeSubscription(tx, state, { at: now, actor: ACTOR });
        return 0;
      }
      const ended = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
      if (state.currentPeriodStart > ended.end)
        log.warn(
          {
            subscription: id,
            known_end: ended.end.toISOString(),
            stripe_start: state.currentPeriodStart.toISOString(),
          },
          "Stripe renewed more than one period unheard; only the period Tally knew is billed",
        );
      // Queued now, before the apply queues the same period for hours later (one job per period: the first wins).
      const billed =
        (sub.status === "active" || sub.status === "past_due") && BILLING.has(state.status)
          ? await enqueueStripePeriodUsage(tx, sub, ended, { reason: "sweep", runAt: now })
          : false;
      await applyStripeSubscription(tx, state, { at: now, actor: ACTOR });
      return billed ? 1 : 0;
    });
  }
  return renewed;
}
