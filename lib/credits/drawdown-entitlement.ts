// Entitlements of meters priced in credits: on top of the plan's answer, the customer must have
// the credits the quantity costs — counting usage stored but not yet drawn — unless its usage
// continues as overage (allow_overage, the plan's or the organization's: on-empty.ts), in which
// case the answer says how much is overage. The balance comes read in the check's own statement
// (lib/metering/entitlement.ts, drawdown-read.ts exactBalanceColumns).
import "server-only";
import { creditsForEvent } from "./credits-for-event";
import type { ExactBalance } from "./drawdown-read";

type PlanAnswer = { customer_id: string; allowed: boolean; reason: string };

/** `price`: the meter's credits per unit (drawdown-read.ts creditPriceOf). */
export function creditEntitlement<T extends PlanAnswer>(answer: T, price: number, b: ExactBalance, quantity: number) {
  const required = creditsForEvent(price, String(quantity));
  const credits = {
    balance: b.balance,
    pending_usage: b.pending,
    required,
    on_empty: b.allowOverage ? ("overage" as const) : ("stop" as const),
  };
  if (!answer.allowed || b.allowOverage || b.balance >= required) return { ...answer, credits };
  return { ...answer, allowed: false, reason: "insufficient_credits", credits };
}
