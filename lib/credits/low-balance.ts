// The one place a low balance is reported. The usage/alerts work owns lib/alerts
// (raiseAlertOnce); when the branches merge, this body calls it. Until then it only logs, so the
// decision (low-balance-rule.ts) and the call sites are in place and tested.
import "server-only";
import { log } from "@/lib/log";

export async function onLowBalance(orgId: string, info: { balance: number; threshold: number }): Promise<void> {
  // MERGE: wire to lib/alerts — raiseAlertOnce(orgId, { kind: "low_balance", … }).
  log.info({ org_id: orgId, balance: info.balance, threshold: info.threshold }, "credit balance fell below the low-balance threshold");
}
