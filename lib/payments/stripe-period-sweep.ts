// When every webhook of a renewal is lost, nothing tells Tally that a Stripe subscription moved to
// a new period, and the ended period's usage would never be billed. This sweep (run with the
// reconciliation job) re-reads from Stripe each Stripe subscription whose period, as Tally knows
// it, ended longer ago than Stripe keeps a renewal draft open; a renewed period found there is
// applied as its webhook would have been, and the ended period's usage is queued at once. It goes
// on a separate Stripe invoice (the renewal draft is finalized by then), billed once: the outbox
// job is deduplicated by period, and the period's lines are frozen in period_billings, so a webhook
// arriving late, or the next sweep, adds nothing.
//
// If Stripe renewed more than once meanwhile, every period in between is recovered too, each once
// and in order: the periods are read from the subscription's renewal invoices at Stripe (each
// renewal invoice names the period that ended), and a stretch no invoice names (a list cut short)
// is billed as one period of its own, so no moment of usage between the period Tally knew and
// Stripe's current one is left unbilled, nor billed twice (one job per period, deduplicated).
import "server-only";
import { and, asc, eq, inArray, isNotNull, lte } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { subscriptions } from "@/lib/db/schema";
import { log } from "@/lib/log";
import { listRenewedPeriods, retrieveSubscription } from "@/lib/stripe/billing";
import { stripeConfigured } from "@/lib/stripe/client";
import { DRAFT_GRACE_MS, enqueueStripePeriodUsage } from "./stripe-period-usage";
import { applyStripeSubscription } from "./subscription-sync";

const ACTOR = "job:stripe-period-sweep";
/** Stripe statuses under which a renewed period is a billed one. */
const BILLING = new Set(["active", "past_due", "unpaid", "paused"]);

type Period = { start: Date; end: Date };

/**
 * The ended periods from the one Tally knew to Stripe's current period's start, oldest first: the
 * known one, then each period a renewal invoice names, with any stretch none names as a period of its own.
 */
export function endedPeriods(known: Period, renewals: Period[], currentStart: Date): Period[] {
  const out: Period[] = [known];
  let at = known.end;
  for (const r of renewals) {
    if (r.start < at || r.end > currentStart || r.end <= r.start) continue;
    if (r.start > at) out.push({ start: at, end: r.start });
    out.push(r);
    at = r.end;
  }
  if (at < currentStart) out.push({ start: at, end: currentStart });
  return out;
}

/** Re-reads up to `batch` Stripe subscriptions whose known period ended; returns how many ended periods it queued for billing. */
export async function sweepStripePeriods(now = new Date(), batch = 100): Promise<number> {
  if (!stripeConfigured()) return 0;
  const due = await db
    .select({
      id: subscriptions.id,
      stripeId: subscriptions.stripeSubscriptionId,
      knownEnd: subscriptions.currentPeriodEnd,
    })
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
  for (const { id, stripeId, knownEnd } of due) {
    const state = await retrieveSubscription(stripeId!);
    if (!state) {
      log.warn({ subscription: id, stripe: stripeId }, "Stripe has no subscription the period sweep expected");
      continue;
    }
    // Renewed more than once: the periods in between, from Stripe's renewal invoices (read outside the transaction).
    const renewals =
      state.currentPeriodStart && state.currentPeriodStart > knownEnd
        ? await listRenewedPeriods(stripeId!, knownEnd)
        : [];
    renewed += await db.transaction(async (tx) => {
      const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for("update");
      if (!sub || !state.currentPeriodStart || state.currentPeriodStart <= sub.currentPeriodStart) {
        await applyStripeSubscription(tx, state, { at: now, actor: ACTOR });
        return 0;
      }
      const ended = endedPeriods(
        { start: sub.currentPeriodStart, end: sub.currentPeriodEnd },
        renewals,
        state.currentPeriodStart,
      );
      if (ended.length > 1)
        log.info(
          { subscription: id, periods: ended.map((p) => `${p.start.toISOString()}/${p.end.toISOString()}`) },
          "Stripe renewed more than one period unheard; each is billed",
        );
      // Queued now, before the apply queues the last one for hours later (one job per period: the first wins),
      // a millisecond apart so they run oldest first (each period's late usage is looked for from the one before).
      let billed = 0;
      if ((sub.status === "active" || sub.status === "past_due") && BILLING.has(state.status))
        for (const [n, period] of ended.entries())
          if (await enqueueStripePeriodUsage(tx, sub, period, { reason: "sweep", runAt: new Date(now.getTime() + n) }))
            billed++;
      await applyStripeSubscription(tx, state, { at: now, actor: ACTOR });
      return billed;
    });
  }
  return renewed;
}
