// What each domain change sends: the event type and the `data` of the body, built from the rows the
// change wrote. Callers pass their transaction; see emit.ts. A subscription's changes and its
// invoices share one ordering key, so a receiver sees them in the order they happened.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type {
  Alert,
  AutoTopUp,
  CheckoutSession,
  CreditGrant,
  CreditNote,
  Invoice,
  Subscription,
  SubscriptionAction,
} from "@/lib/db/schema";
import { emitWebhookEvent, emitWebhookEvents, type WebhookEventInput } from "./emit";
import type { WebhookEventType } from "./event-types";

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
export const subscriptionOrderingKey = (subscriptionId: string) => `sub:${subscriptionId}`;

const SUBSCRIPTION_EVENT: Record<SubscriptionAction, WebhookEventType> = {
  created: "subscription.created",
  trial_started: "subscription.created",
  canceled: "subscription.canceled",
  expired: "subscription.canceled",
  activated: "subscription.updated",
  renewed: "subscription.updated",
  plan_changed: "subscription.updated",
  plan_change_scheduled: "subscription.updated",
  cancel_scheduled: "subscription.updated",
  cancel_unscheduled: "subscription.updated",
  past_due: "subscription.updated",
  recovered: "subscription.updated",
  reactivated: "subscription.updated",
  discount_changed: "subscription.updated",
  addon_changed: "subscription.updated",
};

export type SubscriptionChange = {
  sub: Subscription;
  action: SubscriptionAction;
  fromStatus?: string | null;
  fromPlanId?: string | null;
  occurredAt: Date;
};

export function subscriptionEvent(c: SubscriptionChange): WebhookEventInput {
  const s = c.sub;
  return {
    orgId: s.orgId,
    type: SUBSCRIPTION_EVENT[c.action],
    orderingKey: subscriptionOrderingKey(s.id),
    occurredAt: c.occurredAt,
    data: {
      id: s.id,
      customer_id: s.orgId,
      external_id: s.externalId,
      action: c.action,
      status: s.status,
      previous_status: c.fromStatus ?? null,
      plan_id: s.planId,
      previous_plan_id: c.fromPlanId ?? null,
      interval: s.interval,
      current_period_start: iso(s.currentPeriodStart),
      current_period_end: iso(s.currentPeriodEnd),
      trial_end: iso(s.trialEnd),
      cancel_at_period_end: s.cancelAtPeriodEnd,
      canceled_at: iso(s.canceledAt),
      livemode: s.livemode,
    },
  };
}

export async function emitSubscriptionChanges(tx: Executor, changes: SubscriptionChange[]): Promise<void> {
  await emitWebhookEvents(tx, changes.map(subscriptionEvent));
}

function invoiceData(inv: Invoice): Record<string, unknown> {
  return {
    id: inv.id,
    customer_id: inv.orgId,
    number: inv.number,
    status: inv.status,
    currency: inv.currency,
    total_cents: inv.totalCents,
    amount_paid_cents: inv.amountPaidCents,
    amount_due_cents: inv.amountDueCents,
    subscription_id: inv.subscriptionId,
    period_start: iso(inv.periodStart),
    period_end: iso(inv.periodEnd),
    issued_at: iso(inv.issuedAt),
    paid_at: iso(inv.paidAt),
    hosted_url: inv.hostedUrl,
    livemode: inv.livemode,
  };
}

export function invoiceEvent(
  type: "invoice.issued" | "invoice.paid" | "invoice.payment_failed" | "invoice.voided",
  inv: Invoice,
  at: Date,
  extra: Record<string, unknown> = {},
): WebhookEventInput {
  return {
    orgId: inv.orgId,
    type,
    orderingKey: inv.subscriptionId ? subscriptionOrderingKey(inv.subscriptionId) : `inv:${inv.id}`,
    occurredAt: at,
    data: { ...invoiceData(inv), ...extra },
  };
}

/** A credit note issued against an invoice (or voided in Stripe); ordered with the invoice's other events. */
export function creditNoteEvent(
  note: CreditNote,
  inv: Invoice,
  at: Date,
  type: "credit_note.created" | "credit_note.voided" = "credit_note.created",
): WebhookEventInput {
  return {
    orgId: note.orgId,
    type,
    orderingKey: inv.subscriptionId ? subscriptionOrderingKey(inv.subscriptionId) : `inv:${inv.id}`,
    occurredAt: at,
    data: {
      id: note.id,
      customer_id: note.orgId,
      number: note.number,
      invoice_id: inv.id,
      invoice_number: inv.number,
      currency: note.currency,
      amount_cents: note.amountCents,
      status: note.status,
      outcome: note.outcome,
      reason: note.reason,
      issued_at: iso(note.issuedAt),
      livemode: note.livemode,
    },
  };
}

/** Newly issued invoices: invoice.issued, and invoice.paid for those settled at issue. */
export async function emitInvoicesIssued(tx: Executor, issued: Invoice[]): Promise<void> {
  await emitWebhookEvents(
    tx,
    issued.flatMap((inv) => [
      invoiceEvent("invoice.issued", inv, inv.issuedAt),
      ...(inv.status === "paid" ? [invoiceEvent("invoice.paid", inv, inv.paidAt ?? inv.issuedAt)] : []),
    ]),
  );
}

export async function emitCreditsGranted(tx: Executor, grant: CreditGrant, balanceAfter: number): Promise<void> {
  await emitWebhookEvent(tx, {
    orgId: grant.orgId,
    type: "credits.granted",
    orderingKey: `credits:${grant.orgId}`,
    occurredAt: grant.createdAt,
    data: {
      id: grant.id,
      customer_id: grant.orgId,
      source: grant.source,
      amount: grant.amount,
      expires_at: iso(grant.expiresAt),
      reason: grant.reason,
      balance_after: balanceAfter,
    },
  });
}

const ALERT_EVENT: Partial<Record<Alert["kind"], WebhookEventType>> = {
  usage_limit: "usage.alert",
  low_credit_balance: "credits.low",
  credits_depleted: "credits.depleted",
};

/** A raised alert that customers' systems act on (usage at 80 % / 100 %, low or depleted credits). */
export async function emitAlertRaised(tx: Executor, alert: Alert): Promise<void> {
  const type = ALERT_EVENT[alert.kind];
  if (!type) return;
  await emitWebhookEvent(tx, {
    orgId: alert.orgId,
    type,
    orderingKey: type === "usage.alert" ? null : `credits:${alert.orgId}`,
    occurredAt: alert.createdAt,
    data: {
      alert_id: alert.id,
      customer_id: alert.orgId,
      kind: alert.kind,
      key: alert.key,
      threshold: alert.threshold,
      severity: alert.severity,
      message: alert.message,
      details: alert.details,
    },
  });
}

export async function emitCheckoutsCompleted(tx: Executor, sessions: CheckoutSession[]): Promise<void> {
  await emitWebhookEvents(
    tx,
    sessions.map((s) => ({
      orgId: s.orgId,
      type: "checkout.completed" as const,
      occurredAt: s.completedAt ?? new Date(),
      data: {
        id: s.id,
        customer_id: s.orgId,
        kind: s.kind,
        plan_id: s.planId,
        credit_product_id: s.creditProductId,
        amount_cents: s.amountCents,
        currency: s.currency,
        invoice_id: s.invoiceId,
        livemode: s.livemode,
      },
    })),
  );
}

/** An automatic top-up's outcome: succeeded, or failed (including a payment that needs the customer). */
export async function emitAutoTopUpFinished(tx: Executor, row: AutoTopUp, status: AutoTopUp["status"], at: Date) {
  if (status !== "succeeded" && status !== "failed" && status !== "requires_action") return;
  await emitWebhookEvent(tx, {
    orgId: row.orgId,
    type: status === "succeeded" ? "auto_top_up.succeeded" : "auto_top_up.failed",
    orderingKey: `credits:${row.orgId}`,
    occurredAt: at,
    data: {
      id: row.id,
      customer_id: row.orgId,
      status,
      credits: row.credits,
      amount_cents: row.amountCents,
      currency: row.currency,
      threshold_credits: row.thresholdCredits,
      balance_at_crossing: row.balanceAtCrossing,
      message: row.message,
    },
  });
}

/** A trial ends soon (sent once per subscription, about 3 days ahead: lib/subscriptions/trial-ending.ts). */
export function trialEndingEvent(sub: Subscription, at: Date): WebhookEventInput {
  const base = subscriptionEvent({ sub, action: "trial_started", occurredAt: at });
  return { ...base, type: "subscription.trial_ending", data: { ...base.data, action: "trial_ending" } };
}
