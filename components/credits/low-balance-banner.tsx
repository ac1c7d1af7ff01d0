import { formatCredits } from "@/lib/format";

/** Shown straight from the balance: below the threshold (10 % of the last allocation, or the customer's own). */
export function LowBalanceBanner({
  balance,
  threshold,
  overage,
}: {
  balance: number;
  threshold: number | null;
  overage: number;
}) {
  if (overage > 0) {
    return (
      <div
        role="alert"
        className="mb-6 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-inset ring-red-200"
      >
        <p className="font-medium">You are in overage: {formatCredits(overage)} spent beyond your balance.</p>
        <p className="mt-0.5">Overage is billed per credit, or repaid from the next credits you receive.</p>
      </div>
    );
  }
  if (threshold === null || balance >= threshold) return null;
  return (
    <div
      role="alert"
      className="mb-6 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
    >
      <p className="font-medium">Your credit balance is low: {formatCredits(Math.max(0, balance))} left.</p>
      <p className="mt-0.5">
        It is below the warning level of {formatCredits(threshold)}. Buy a pack below to keep spending.
      </p>
    </div>
  );
}
