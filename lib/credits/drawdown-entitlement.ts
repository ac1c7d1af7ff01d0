// Entitlements of meters priced in credits: on top of the plan's answer, the customer must have
// the credits the quantity costs — counting usage stored but not yet drawn — unless its usage
// continues as overage (allow_overage), in which case the answer says how much is overage.
import "server-only";
import { creditsForEvent } from "./credits-for-event";
import { creditPriceOf, drawdownLinks, exactBalance } from "./drawdown-read";

type PlanAnswer = { customer_id: string; allowed: boolean; reason: string };

export async function creditEntitlement<T extends PlanAnswer>(answer: T, meterId: string, quantity: number) {
  const price = creditPriceOf(await drawdownLinks(), meterId);
  if (price === null) return answer;
  const b = await exactBalance(answer.customer_id);
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
