// Decide: what a movement does to an account, in memory — the account opened with what time did
// settled, the ledger rows it makes, the low-balance crossing, the overage price. No SQL is sent
// from here.
import "server-only";
import { newId } from "@/lib/ids";
import { dec, minorExponent } from "@/lib/money";
import { CreditAccount, type BucketState, type Entry, type HoldState, type OpMeta } from "./account";
import { crossedBelow, lowBalanceThreshold } from "./low-balance-rule";
import { num, settingsOf, type AccountSettings, type BalanceRow, type PackRow } from "./movement-load";

export type WrittenEntry = Entry & { id: string; operationId: string };

/** What a movement wrote, as a commit's stored answer sees it. */
export type WrittenMovement = {
  entries: WrittenEntry[];
  balance: number;
  held: number;
  overage: number;
  overagePrice: { unitPrice: string | null; currency: string } | null;
};

/** The account as the lock found it, with what time did settled: expired holds released, overage repaid, expired buckets written off. */
export function openAccount(
  bal: BalanceRow,
  buckets: BucketState[],
  dueHolds: HoldState[],
  now: Date,
): { account: CreditAccount; settings: AccountSettings } {
  const settings = settingsOf(bal);
  const account = new CreditAccount(
    { balance: num(bal.balance), held: num(bal.held), overage: num(bal.overage), buckets },
    settings.precedence,
    now,
  );
  account.expireHolds(dueHolds);
  account.settle();
  return { account, settings };
}

/** Set when a movement took the balance from at or above the low-balance threshold to below it. */
export function lowBalanceCrossing(
  settings: AccountSettings,
  lastAllocation: number,
  before: number,
  after: number,
): { balance: number; threshold: number } | null {
  const threshold = lowBalanceThreshold({ explicit: settings.lowBalanceThreshold, lastAllocation });
  return crossedBelow(before, after, threshold) ? { balance: after, threshold: threshold! } : null;
}

/** Set when a movement took the balance from above zero to zero or below (credits ran out): the depleted alert. */
export function depletedCrossing(before: number, after: number): { balance: number } | null {
  return before > 0 && after <= 0 ? { balance: after } : null;
}

/** The price of one overage credit: the organization's own, else the list price of `pack`, the smallest active one. */
export function overagePriceFrom(
  settings: AccountSettings,
  pack: PackRow | null,
): { unitPrice: string | null; currency: string } {
  if (settings.overagePricePerCredit !== null)
    return { unitPrice: settings.overagePricePerCredit, currency: settings.overageCurrency };
  if (!pack) return { unitPrice: null, currency: settings.overageCurrency };
  return {
    unitPrice: pricePerCredit(num(pack.price_cents), num(pack.credits), pack.currency),
    currency: pack.currency,
  };
}

/** Ledger rows for entries: an id each, and one operation id per operation (its own, or a new one for maintenance). */
export function materialize(entries: Entry[], opIds: Map<OpMeta, string>): WrittenEntry[] {
  return entries.map((e) => {
    let op = opIds.get(e.meta);
    if (!op) {
      op = e.meta.operationId ?? newId("led");
      opIds.set(e.meta, op);
    }
    return { ...e, id: newId("led"), operationId: op };
  });
}

/** A pack's price per credit as an exact decimal string (major units), to ten decimal places at most. */
export function pricePerCredit(priceCents: number, credits: number, currency: string): string {
  return dec(priceCents)
    .div(dec(10).pow(minorExponent(currency)))
    .div(credits)
    .toDecimalPlaces(10)
    .toFixed();
}
