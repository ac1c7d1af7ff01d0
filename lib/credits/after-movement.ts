// What follows a committed movement, outside its transaction: the low-balance report.
import "server-only";
import { log } from "@/lib/log";
import { onLowBalance } from "./low-balance";

export async function afterMovement(
  orgId: string,
  outcome: { lowBalance: { balance: number; threshold: number } | null } | null | undefined,
): Promise<void> {
  if (!outcome?.lowBalance) return;
  try {
    await onLowBalance(orgId, outcome.lowBalance);
  } catch (err) {
    // The movement is committed; a failed alert must not turn it into an error for the caller.
    log.error({ err, org_id: orgId }, "low-balance report failed");
  }
}
