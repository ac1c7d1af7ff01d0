// When a balance counts as low. Pure: the movement shell calls it after each movement and tells
// onLowBalance (low-balance.ts) only when the balance crosses the threshold downwards, so one
// drop raises one alert rather than one per spend.

/** 10 % of the newest subscription allocation, unless the organization set its own threshold. */
export const DEFAULT_LOW_BALANCE_SHARE = 0.1;

export function lowBalanceThreshold(opts: { explicit: number | null; lastAllocation: number }): number | null {
  if (opts.explicit !== null) return opts.explicit;
  if (opts.lastAllocation <= 0) return null;
  return Math.floor(opts.lastAllocation * DEFAULT_LOW_BALANCE_SHARE);
}

/** True when the balance was at or above the threshold and is now below it. */
export function crossedBelow(before: number, after: number, threshold: number | null): boolean {
  return threshold !== null && before >= threshold && after < threshold;
}

/** For pages: is the balance below the threshold right now? */
export function isLow(balance: number, threshold: number | null): boolean {
  return threshold !== null && balance < threshold;
}
