// The one place a low balance is reported: an alert, raised once per organization, threshold and
// crossing however many spends report it (drawdown-alerts.ts names the crossing), shown in the app
// with acknowledgement.
import "server-only";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { formatCredits } from "@/lib/format";
import { crossingKey } from "./drawdown-alerts";

export async function onLowBalance(
  orgId: string,
  info: { balance: number; threshold: number },
  at = new Date(),
): Promise<void> {
  await raiseAlertOnce({
    orgId,
    kind: "low_credit_balance",
    key: "balance",
    threshold: info.threshold,
    periodKey: await crossingKey(orgId, info.threshold),
    severity: info.balance <= 0 ? "critical" : "warning",
    message: `Your credit balance fell below ${formatCredits(info.threshold)} (${formatCredits(info.balance)} left). Buy a credit pack to keep going.`,
    details: { balance: info.balance, threshold: info.threshold },
    at,
  });
}
