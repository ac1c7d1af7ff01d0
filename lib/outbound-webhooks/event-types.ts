// The event types Tally sends to webhook endpoints (client-safe: the pages list them too).
export const WEBHOOK_EVENT_TYPES = [
  "invoice.issued",
  "invoice.paid",
  "invoice.payment_failed",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "credits.granted",
  "credits.low",
  "credits.depleted",
  "usage.alert",
  "checkout.completed",
  "auto_top_up.succeeded",
  "auto_top_up.failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
