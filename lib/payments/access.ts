// Access to paid features follows the subscription's status. A past-due subscription keeps its
// features for a grace period (PAST_DUE_GRACE_DAYS), then falls back to free-tier access until paid.
import { addDays } from "@/lib/time";

export type AccessLevel = "full" | "grace" | "reduced" | "none";
export type Access = { level: AccessLevel; graceEndsAt: Date | null; message: string | null };

export function accessFor(
  sub: { status: string; pastDueSince: Date | null; currentPeriodEnd: Date; trialEnd: Date | null } | null,
  now: Date,
  graceDays: number,
): Access {
  if (!sub) return { level: "none", graceEndsAt: null, message: null };
  switch (sub.status) {
    case "active":
    case "trialing":
      return { level: "full", graceEndsAt: null, message: null };
    case "past_due": {
      const graceEndsAt = addDays(sub.pastDueSince ?? now, graceDays);
      return now < graceEndsAt
        ? {
            level: "grace",
            graceEndsAt,
            message: "Your last payment failed. Update your payment method to keep your plan's features.",
          }
        : {
            level: "reduced",
            graceEndsAt,
            message: "Your payment is overdue: paid features are paused until the open invoice is paid.",
          };
    }
    case "incomplete":
      return {
        level: "none",
        graceEndsAt: null,
        message: "Your first payment has not gone through yet: complete it to start your plan.",
      };
    default:
      return { level: "none", graceEndsAt: null, message: null };
  }
}
