// Calendar arithmetic for billing periods (date-fns), in UTC.
import { UTCDate } from "@date-fns/utc";
import { addMonths, addYears } from "date-fns";
import type { PlanInterval } from "@/lib/db/schema/catalog";

/**
 * The end of period `n` (0-based) counted from the anchor: anchor + (n+1) intervals. Counting from
 * the anchor (not chaining) keeps Jan 31 → Feb 28 → Mar 31, instead of drifting to the 28th.
 */
export function periodBounds(anchor: Date, interval: PlanInterval, n: number): { start: Date; end: Date } {
  // UTCDate: month arithmetic in UTC whatever the server's time zone.
  const add = (k: number) =>
    new Date((interval === "month" ? addMonths : addYears)(new UTCDate(anchor.getTime()), k).getTime());
  return { start: n === 0 ? anchor : add(n), end: add(n + 1) };
}

/** The period of `anchor`'s schedule that contains `at`. */
export function periodContaining(
  anchor: Date,
  interval: PlanInterval,
  at: Date,
): { index: number; start: Date; end: Date } {
  if (at < anchor) return { index: 0, ...periodBounds(anchor, interval, 0) };
  const months = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  let n = Math.max(0, interval === "month" ? months - 1 : Math.floor(months / 12) - 1);
  for (;;) {
    const b = periodBounds(anchor, interval, n);
    if (at < b.end) return { index: n, ...b };
    n++;
  }
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function startOfUtcMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
