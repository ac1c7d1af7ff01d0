import type { Operation } from "@/lib/http/openapi";
import { ZWebhookList } from "@/lib/webhooks/schemas";
import { ZCancel, ZChangePlan, ZCheckout, ZListLimit, ZMarkInvoicePaid } from "./schemas";

const KEY = " Takes an optional Idempotency-Key header: the same key with the same body answers the first result again (header idempotent-replayed) and acts once; with a different body, 409 idempotency_conflict; while the first request runs, 409.";

export const billingOperations: Operation[] = [
  { method: "get", path: "/api/v1/billing/subscription", tag: "Billing", auth: "customer", summary: "Your subscription: tier, status, period, amount, interval, cancel at period end, access" },
  { method: "get", path: "/api/v1/billing/invoices", tag: "Billing", auth: "customer", summary: "Your invoices, newest first, with PDF and hosted links", query: ZListLimit },
  { method: "get", path: "/api/v1/billing/invoices/{id}/pdf", tag: "Billing", auth: "any", summary: "An invoice as PDF (Stripe invoices redirect to Stripe's PDF)", responses: { "200": "application/pdf", "302": "Stripe's PDF", "404": "Not found" } },
  {
    method: "get",
    path: "/api/v1/billing/upcoming-invoice",
    tag: "Billing",
    auth: "customer",
    summary: "The invoice your current period will end with: plan fee, usage and call costs so far, and the projected total",
    description:
      "`lines` are the lines the period's invoice will carry, with the same ids (usage per meter and plan, credit overage, agent call usage per agent plan and metric, each agent plan's fixed charges once per agent); `projected_lines` extrapolate each meter's quantity to the period end at the current pace and rate it, so tiers and included units apply. `plan_fee` is the next period's fee (none after a cancellation), `discounts` and `credits_applied` what comes off. Totals in minor units and as decimals; `invoice_date` is the period end. A trial's usage is free.",
    responses: { "200": "The upcoming invoice", "404": "No current subscription" },
  },
  { method: "get", path: "/api/v1/billing/payment-methods", tag: "Billing", auth: "customer", summary: "Your payment methods: brand, last4, expiry" },
  { method: "get", path: "/api/v1/billing/history", tag: "Billing", auth: "customer", summary: "Your payments and credit purchases, failed and refunded ones included", query: ZListLimit },
  { method: "post", path: "/api/v1/billing/checkout", tag: "Billing", auth: "customer", summary: "Start a checkout for a plan or a credit pack", description: "Answers the URL to send the customer to, by the installation's payment rail (PAYMENTS): Stripe Checkout; the test-mode sandbox (`provider: local`; its payments are test money, never revenue); or, with invoice billing (`provider: manual`), the open invoice awaiting payment. Nothing is granted until the payment is confirmed." + KEY, body: ZCheckout, responses: { "201": "{id, url, provider}", "400": "Unknown plan or pack", "403": "Members cannot change billing; the plan is not self-serve", "409": "Already subscribed: change plan instead", "503": "Payment provider unavailable" } },
  { method: "post", path: "/api/v1/billing/portal", tag: "Billing", auth: "customer", summary: "A payment-portal URL (Stripe Customer Portal, or the local sandbox's)" },
  { method: "post", path: "/api/v1/billing/subscription/cancel", tag: "Billing", auth: "customer", summary: "Cancel at the end of the current period, or now", description: "By default the plan stays until the period ends. With `at_period_end: false` the subscription ends now; the usage of the period so far is billed once on a final invoice (for Stripe subscriptions, a separate Stripe invoice)." + KEY, body: ZCancel },
  { method: "post", path: "/api/v1/billing/subscription/resume", tag: "Billing", auth: "customer", summary: "Undo a scheduled cancellation", description: KEY.trim() },
  { method: "post", path: "/api/v1/billing/subscription/change-plan", tag: "Billing", auth: "customer", summary: "Change plan: upgrades now with proration, downgrades at period end", description: "With `preview: true`, answers the direction, when it takes effect and the prorated amount due now, changing nothing." + KEY, body: ZChangePlan, responses: { "200": "The change (or its preview)", "402": "The prorated charge failed", "403": "The plan is not self-serve", "404": "No current subscription", "409": "Already on this plan" } },
];

export const adminWebhookOperations: Operation[] = [
  { method: "get", path: "/api/v1/admin/webhooks", tag: "Admin", auth: "operator", summary: "The payment provider's event log (newest first)", query: ZWebhookList },
  { method: "post", path: "/api/v1/admin/invoices/{id}/mark-paid", tag: "Admin", auth: "operator", summary: "Invoice billing: record an open invoice paid outside Tally (bank transfer, check, cash, other)", description: "Records a live payment with how it was paid and its reference, marks the invoice paid, and grants what it sold: a credit pack's credits, or the start of an unpaid plan. Recording an invoice already paid changes nothing and answers `already_paid: true`.", body: ZMarkInvoicePaid, responses: { "200": "{invoice, payment, already_paid}", "404": "Not found", "409": "A Stripe, test, void or uncollectible invoice" } },
  { method: "post", path: "/api/v1/admin/webhooks/{id}/replay", tag: "Admin", auth: "operator", summary: "Process a stored Stripe event again", responses: { "200": "Processed", "404": "Not found", "409": "A local sandbox event", "500": "Processing failed again" } },
];
