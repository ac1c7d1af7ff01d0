// The pace of spending and when the credits run out at that pace. Pure.
import { dec } from "@/lib/money";

export type BurnRate = { days: number; spent: number; perDay: string; runsOutAt: Date | null };

/**
 * The pace of spending over the last `days` days and the day the balance runs out at that pace.
 * Pure; `perDay` is a decimal string (two places) so pages never format a float.
 */
export function burnRate(series: { credits: number }[], days: number, balance: number, now: Date): BurnRate {
  const window = series.slice(-days);
  const spent = window.reduce((s, d) => s + d.credits, 0);
  const perDay = dec(Math.max(0, spent)).div(days);
  const runsOutAt =
    perDay.gt(0) && balance > 0
      ? new Date(now.getTime() + dec(balance).div(perDay).mul(86_400_000).toDecimalPlaces(0).toNumber())
      : null;
  return { days, spent, perDay: perDay.toDecimalPlaces(2).toFixed(2), runsOutAt };
}
