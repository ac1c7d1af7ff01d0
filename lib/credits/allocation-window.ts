// Which allocation window a subscription is in: the span one grant of the plan's included credits
// covers, and the key that makes the grant happen once. Pure.
//
// Monthly plans (and any trial): the current period. Yearly plans: the month of the year's period
// that contains `at`, counted from the period start (so a year started on Jan 31 gives Feb 28,
// Mar 31, …), clipped to the period end. Yearly subscribers thus get their credits monthly, on a
// schedule of their own, not once a year at the invoice.
import type { PlanInterval } from "@/lib/db/schema/catalog";
import { periodContaining } from "@/lib/time";

export type AllocationSubscription = {
  id: string;
  status: string;
  interval: PlanInterval;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
};

export type AllocationWindow = { start: Date; end: Date; key: string };

export const allocationKey = (subscriptionId: string, windowStart: Date) =>
  `alloc:${subscriptionId}:${windowStart.toISOString()}`;

export function allocationWindow(sub: AllocationSubscription, at: Date): AllocationWindow | null {
  const { currentPeriodStart: start, currentPeriodEnd: end } = sub;
  if (at.getTime() >= end.getTime()) return null; // the period is over and not yet renewed
  if (sub.interval === "month" || sub.status === "trialing") return { start, end, key: allocationKey(sub.id, start) };
  const inside = at.getTime() < start.getTime() ? start : at;
  const month = periodContaining(start, "month", inside);
  const windowEnd = month.end.getTime() < end.getTime() ? month.end : end;
  return { start: month.start, end: windowEnd, key: allocationKey(sub.id, month.start) };
}
