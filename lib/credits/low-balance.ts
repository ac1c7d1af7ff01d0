// The one place a low balance is reported: an alert, raised once per organization, threshold and
// month however many spends cross it (lib/alerts), shown in the app with acknowledgement.
import "server-only";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { formatCredits } from "@/lib/format";

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
    periodKey: at.toISOString().slice(0, 7),
    severity: info.balance <= 0 ? "critical" : "warning",
    message: `Your credit balance fell below ${formatCredits(info.threshold)} (${formatCredits(info.balance)} left). Buy a credit pack to keep going.`,
    details: { balance: info.balance, threshold: info.threshold },
    at,
  });
}
