// The event types Tally sends to webhook endpoints (client-safe: the pages list them too).
export const WEBHOOK_EVENT_TYPES = [
  "invoice.issued",
  "invoice.paid",
  "invoice.payment_failed",
  "invoice.voided",
  "credit_note.created",
  "credit_note.voided",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "subscription.trial_ending",
  "credits.granted",
  "credits.low",
  "credits.depleted",
  "usage.alert",
  "checkout.completed",
  "auto_top_up.succeeded",
  "auto_top_up.failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "Send a test event", to the one endpoint asked for; not something to subscribe to. */
export const WEBHOOK_TEST_EVENT = "webhook.test";

/** How the pages group the event types (every type is in exactly one group). */
export const WEBHOOK_EVENT_GROUPS: { label: string; types: { type: WebhookEventType; label: string }[] }[] = [
  {
    label: "Subscriptions",
    types: [
      { type: "subscription.created", label: "Created (or trial started)" },
      { type: "subscription.updated", label: "Changed (plan, renewal, past due…)" },
      { type: "subscription.canceled", label: "Canceled or ended" },
      { type: "subscription.trial_ending", label: "Trial ends in 3 days" },
    ],
  },
  {
    label: "Invoices and payments",
    types: [
      { type: "invoice.issued", label: "Invoice issued" },
      { type: "invoice.paid", label: "Invoice paid" },
      { type: "invoice.payment_failed", label: "Payment failed" },
      { type: "invoice.voided", label: "Invoice voided" },
      { type: "credit_note.created", label: "Credit note issued" },
      { type: "credit_note.voided", label: "Credit note voided (in Stripe)" },
      { type: "checkout.completed", label: "Checkout completed" },
    ],
  },
  {
    label: "Credits",
    types: [
      { type: "credits.granted", label: "Credits granted" },
      { type: "credits.low", label: "Balance low" },
      { type: "credits.depleted", label: "Balance used up" },
      { type: "auto_top_up.succeeded", label: "Auto top-up done" },
      { type: "auto_top_up.failed", label: "Auto top-up failed" },
    ],
  },
  {
    label: "Usage",
    types: [{ type: "usage.alert", label: "Usage at 80 % / 100 % of a limit" }],
  },
];
