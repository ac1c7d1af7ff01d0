// The period a plan limit counts usage over, and how usage periods map onto hourly rollups. Pure.
//
// - Monthly plans: the subscription's current period (for a trial, the trial).
// - Yearly plans: the month of the subscription's own schedule that contains `now` (anchor + n
//   months), because plan limits are monthly ("10,000 API calls a month") and a yearly period
//   would let a customer spend the year's calls in January. Included credits follow the same
//   monthly schedule.
//
// Rollups are hourly, so every usage period is read as whole UTC hours: an hour belongs to the
// period in which it starts (a period from 10:37 counts from 10:00; the one before it ends at
// 10:00). Adjacent periods therefore never share or lose an hour.
import type { Subscription } from "@/lib/db/schema";
import { periodContaining } from "@/lib/time";

const HOUR = 3_600_000;

export const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);

export type Period = { start: Date; end: Date };

export function limitPeriod(
  sub: Pick<Subscription, "interval" | "status" | "billingAnchor" | "currentPeriodStart" | "currentPeriodEnd">,
  now: Date,
): Period {
  if (sub.interval === "month" || sub.status === "trialing")
    return { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  const p = periodContaining(sub.billingAnchor, "month", now);
  return { start: p.start, end: p.end };
}

/** A period as the hour-aligned range of rollup buckets it covers. */
export function hourRange(p: Period): Period {
  return { start: floorHour(p.start), end: floorHour(p.end) };
}

/**
 * An API caller's from/to as an hour-aligned range. `to` is rounded down, except that a `to`
 * inside the current hour includes that hour, so "up to now" shows what was just sent.
 */
export function requestRange(from: Date, to: Date, now: Date): Period {
  const start = floorHour(from);
  let end = floorHour(to);
  if (to.getTime() > end.getTime() && end.getTime() === floorHour(now).getTime()) end = new Date(end.getTime() + HOUR);
  return { start, end };
}
