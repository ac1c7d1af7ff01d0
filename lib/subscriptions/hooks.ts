// What happens when a subscription period starts — at subscribe, at each renewal, when a trial
// ends — in the same transaction as the change: the plan's included credits are granted for the
// period (monthly plans) or its first month (yearly plans; the credits job grants the following
// months), once per window however often this runs; and the period is invoiced when Tally bills
// the subscription itself (the local provider, and manual subscriptions).
import "server-only";
import { allocateIncludedCredits } from "@/lib/credits/allocate-credits";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";
import { billPeriod } from "@/lib/payments/local-billing";
import { usageLinesFor } from "@/lib/payments/usage-lines";

export type EndedPeriod = { start: Date; end: Date; plan: Plan };

/** `ended`: the paid period that just ended, whose usage is billed in arrears on the new invoice. */
export async function afterPeriodStarted(x: Executor, sub: Subscription, plan: Plan, at: Date, ended?: EndedPeriod): Promise<void> {
  await allocateIncludedCredits(x, sub, plan, at);
  // Stripe invoices and charges its own subscriptions; a trial has nothing to invoice.
  if (sub.provider !== "stripe" && sub.status !== "trialing") {
    const usage = ended ? await usageLinesFor(x, sub.orgId, ended.plan, ended) : [];
    await billPeriod(x, sub, plan, { start: sub.currentPeriodStart, end: sub.currentPeriodEnd }, usage);
  }
}
