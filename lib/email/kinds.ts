// Which outbound events people are emailed about, who receives each (client-safe: the account page lists them).
// Owners receive every kind; members receive usage alerts only. Each user can turn any of these off;
// invitations and password resets are not notifications and cannot be turned off.
import type { WebhookEventType } from "@/lib/outbound-webhooks/event-types";

export type NotificationKind = {
  type: WebhookEventType;
  label: string;
  audience: "owners" | "everyone";
};

export const NOTIFICATION_KINDS: NotificationKind[] = [
  { type: "usage.alert", label: "Usage reached 80 % or 100 % of a limit", audience: "everyone" },
  { type: "credits.low", label: "Credit balance is low", audience: "owners" },
  { type: "credits.depleted", label: "Credits are used up", audience: "owners" },
  { type: "credits.granted", label: "Credits were added", audience: "owners" },
  { type: "invoice.issued", label: "An invoice was issued", audience: "owners" },
  { type: "invoice.paid", label: "An invoice was paid", audience: "owners" },
  { type: "invoice.payment_failed", label: "A payment failed", audience: "owners" },
  { type: "subscription.created", label: "A subscription or trial started", audience: "owners" },
  { type: "subscription.updated", label: "A subscription changed", audience: "owners" },
  { type: "subscription.trial_ending", label: "A trial ends in 3 days", audience: "owners" },
  { type: "subscription.canceled", label: "A subscription was canceled", audience: "owners" },
  { type: "auto_top_up.succeeded", label: "An auto top-up bought credits", audience: "owners" },
  { type: "auto_top_up.failed", label: "An auto top-up failed", audience: "owners" },
];

export const kindsFor = (role: string) =>
  NOTIFICATION_KINDS.filter((k) => k.audience === "everyone" || role === "owner");
