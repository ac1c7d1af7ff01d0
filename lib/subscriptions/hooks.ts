// What happens when a subscription period starts — at subscribe, at each renewal, when a trial
// ends — in the same transaction as the change: the plan's included credits are granted for the
// period (monthly plans) or its first month (yearly plans; the credits job grants the following
// months), once per window however often this runs; and the period is invoiced when Tally bills
// the subscription itself (the local provider, and manual subscriptions), with the ended period's
// usage, overage and call charges in arrears (lib/payments/period-lines). Stripe bills its own
// subscriptions' fees; their usage goes onto Stripe's invoices through the outbox
// (lib/payments/stripe-period-usage). When a subscription ends, its last period's usage is billed.
import "server-only";
import { allocateIncludedCredits } from "@/lib/credits/allocate-credits";
import { grantAddonCreditsAtPeriodStart } from "@/lib/addons/credits";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { billPeriods, chargeInvoice } from "@/lib/payments/local-billing";
import { periodKey, type PeriodLine } from "@/lib/payments/period-lines";
import { markLateUsageBilled } from "@/lib/payments/late-usage";
import { enqueueStripePeriodUsage } from "@/lib/payments/stripe-period-usage";
import { periodLinesFor, periodLinesForMany, toInvoiceLine } from "@/lib/payments/usage-lines";
import { settleInvoicedOverage } from "@/lib/payments/overage-settlement";

export type EndedPeriod = { start: Date; end: Date; plan: Plan };

/** `ended`: the paid period that just ended, whose usage is billed in arrears on the new invoice. */
export async function afterPeriodStarted(
  tx: Executor,
  sub: Subscription,
  plan: Plan,
  at: Date,
  ended?: EndedPeriod,
): Promise<void> {
  await afterPeriodsStarted(tx, [{ sub, plan, at, ended }]);
}

export type StartedPeriod = { sub: Subscription; plan: Plan; at: Date; ended?: EndedPeriod };

/**
 * Many periods started at once (the rollover's batch): each as afterPeriodStarted would, with the
 * ended periods' usage read and their invoices written together rather than one period at a time.
 */
export async function afterPeriodsStarted(tx: Executor, started: StartedPeriod[]): Promise<void> {
  for (const s of started) await allocateIncludedCredits(tx, s.sub, s.plan, s.at);
  await grantAddonCreditsAtPeriodStart(tx, started);
  // Stripe invoices and charges its own subscriptions; a trial has nothing to invoice.
  const billed = started.filter((s) => s.sub.provider !== "stripe" && s.sub.status !== "trialing");
  const withUsage = billed.filter((s): s is StartedPeriod & { ended: EndedPeriod } => s.ended !== undefined);
  const rated = await periodLinesForMany(
    tx,
    withUsage.map((s) => ({ sub: s.sub, period: s.ended })),
    { knownPlans: withUsage.flatMap((s) => [s.ended.plan, s.plan]) },
  );
  const linesOf = new Map<StartedPeriod, PeriodLine[]>(withUsage.map((s, n) => [s, rated[n]!]));
  // Usage ingested from now on for these periods (or earlier ones) is late usage (late-usage.ts).
  await markLateUsageBilled(
    tx,
    withUsage.map((s) => s.sub.id),
  );
  await billPeriods(
    tx,
    billed.map((s) => ({
      sub: s.sub,
      plan: s.plan,
      period: { start: s.sub.currentPeriodStart, end: s.sub.currentPeriodEnd },
      extraLines: (linesOf.get(s) ?? []).map(toInvoiceLine),
    })),
  );
  for (const s of withUsage) await settleInvoicedOverage(tx, s.sub, s.ended, linesOf.get(s)!, s.at);
}

/**
 * A subscription ended (canceled at period end, or now): the usage of its last, possibly partial,
 * period [start, end) is billed once — on a final Tally invoice, or on a separate Stripe invoice.
 */
export async function afterSubscriptionEnded(
  tx: Executor,
  sub: Subscription,
  period: { start: Date; end: Date },
  currency: string,
): Promise<void> {
  if (sub.status === "trialing" || (sub.trialEnd && sub.trialEnd >= period.end)) return;
  if (sub.provider === "stripe") {
    await enqueueStripePeriodUsage(tx, sub, period, { reason: "subscription_ended" });
    return;
  }
  const rated = await periodLinesFor(tx, sub, period, { final: true });
  const lines = rated.map(toInvoiceLine);
  if (lines.length === 0) return;
  const { invoice, created } = await issueInvoice(tx, {
    orgId: sub.orgId,
    currency,
    lines,
    subscriptionId: sub.id,
    periodStart: period.start,
    periodEnd: period.end,
    description: "Final usage",
    sourceKey: `subscription-final:${sub.id}:${periodKey(period)}`,
    issuedAt: period.end,
    paid: false,
    livemode: sub.livemode,
  });
  if (created && sub.provider === "local" && invoice.status === "open") await chargeInvoice(tx, invoice, period.end);
  if (created) await settleInvoicedOverage(tx, sub, period, rated, period.end);
}
