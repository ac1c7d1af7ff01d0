// What follows a committed movement, outside its transaction: the low-balance and depleted reports
// (each once per crossing, however many movements report the same drop). Every spend path — consume
// (alone or grouped), reservations and their commits, the drawdown, expiry — ends here.
import "server-only";
import { log } from "@/lib/log";
import { onDepleted } from "./drawdown-alerts";
import { onLowBalance } from "./low-balance";

export async function afterMovement(
  orgId: string,
  outcome:
    | {
        lowBalance: { balance: number; threshold: number } | null;
        depleted?: { balance: number } | null;
      }
    | null
    | undefined,
  at = new Date(),
): Promise<void> {
  if (outcome?.lowBalance) {
    try {
      await onLowBalance(orgId, outcome.lowBalance);
    } catch (err) {
      // The movement is committed; a failed alert must not turn it into an error for the caller.
      log.error({ err, org_id: orgId }, "low-balance report failed");
    }
  }
  // onDepleted logs its own failures.
  if (outcome?.depleted) await onDepleted(orgId, outcome.depleted.balance, at);
}
