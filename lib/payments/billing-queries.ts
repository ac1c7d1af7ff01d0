// What a customer's billing pages and /api/v1/billing read: subscription, invoices, payment
// methods, and payments (including credit purchases).
import "server-only";
import { desc, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { payments, plans, type Invoice, type Payment, type PaymentMethod, type Plan } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { minorToDecimal } from "@/lib/money";
import { currentSubscription } from "@/lib/subscriptions/queries";
import { accessFor } from "./access";
import type { InvoiceJson, PaymentJson, PaymentMethodJson, SubscriptionSummaryJson } from "./schemas";

export async function billingSubscription(orgId: string, now = new Date()) {
  const current = await currentSubscription(orgId);
  if (!current || !["incomplete", "trialing", "active", "past_due"].includes(current.subscription.status)) {
    return {
      status: "none" as const,
      plan: null,
      access: accessFor(null, now, env().PAST_DUE_GRACE_DAYS),
      last: current,
    };
  }
  const { subscription: s, plan } = current;
  let pending: Plan | null = null;
  if (s.pendingPlanId) [pending = null] = await db.select().from(plans).where(eq(plans.id, s.pendingPlanId));
  return {
    status: s.status,
    subscription: s,
    plan,
    pendingPlan: pending,
    access: accessFor(s, now, env().PAST_DUE_GRACE_DAYS),
    last: current,
  };
}

export async function listPayments(orgId: string, limit = 50): Promise<Payment[]> {
  return db.select().from(payments).where(eq(payments.orgId, orgId)).orderBy(desc(payments.createdAt)).limit(limit);
}

export function invoiceJson(i: Invoice): InvoiceJson {
  const local = i.provider === "local";
  return {
    id: i.id,
    object: "invoice",
    number: i.number,
    status: i.status,
    currency: i.currency,
    total: minorToDecimal(i.totalCents, i.currency),
    total_cents: i.totalCents,
    amount_paid_cents: i.amountPaidCents,
    amount_due_cents: i.amountDueCents,
    period_start: i.periodStart?.toISOString() ?? null,
    period_end: i.periodEnd?.toISOString() ?? null,
    issued_at: i.issuedAt.toISOString(),
    paid_at: i.paidAt?.toISOString() ?? null,
    pdf_url: local ? `/api/v1/billing/invoices/${i.id}/pdf` : i.pdfUrl,
    hosted_url: local ? `/billing/invoices/${i.id}` : i.hostedUrl,
    provider: i.provider,
    livemode: i.livemode,
    void_reason: i.voidReason,
    voided_at: i.voidedAt?.toISOString() ?? null,
    // The Ops Center guide's fields, amounts as decimals in the major unit.
    amount_due: minorToDecimal(i.amountDueCents, i.currency),
    amount_paid: minorToDecimal(i.amountPaidCents, i.currency),
    due_date: i.dueAt?.toISOString() ?? null,
    paid: i.status === "paid",
  };
}

export function paymentMethodJson(p: PaymentMethod): PaymentMethodJson {
  return {
    id: p.id,
    object: "payment_method",
    brand: p.brand,
    last4: p.last4,
    exp_month: p.expMonth,
    exp_year: p.expYear,
    is_default: p.isDefault,
    provider: p.provider,
    // The Ops Center guide's (and Stripe's) shape. A card always has an expiry; for another kind of
    // method Stripe's type is kept as its brand (lib/stripe/billing.ts retrievePaymentMethod).
    type: p.expMonth !== null ? "card" : p.brand,
    card: p.expMonth !== null ? { brand: p.brand, last4: p.last4, exp_month: p.expMonth, exp_year: p.expYear } : null,
    created: p.createdAt.toISOString(),
  };
}

export function paymentJson(p: Payment): PaymentJson {
  return {
    id: p.id,
    object: "payment",
    kind: p.kind,
    status: p.status,
    amount: minorToDecimal(p.amountCents, p.currency),
    amount_cents: p.amountCents,
    amount_refunded_cents: p.amountRefundedCents,
    currency: p.currency,
    description: p.description,
    payment_method: p.paymentMethodLabel,
    failure_message: p.failureMessage,
    invoice_id: p.invoiceId,
    credit_product_id: p.creditProductId,
    livemode: p.livemode,
    offline: p.offlineMethod
      ? { method: p.offlineMethod, reference: p.offlineReference, recorded_by: p.recordedBy }
      : null,
    created_at: p.createdAt.toISOString(),
  };
}

export function subscriptionSummaryJson(b: Awaited<ReturnType<typeof billingSubscription>>): SubscriptionSummaryJson {
  if (b.status === "none" || !("subscription" in b) || !b.subscription) {
    return {
      status: "none",
      tier: null,
      plan: null,
      amount: null,
      amount_cents: null,
      interval: null,
      currency: null,
      current_period_start: null,
      current_period_end: null,
      cancel_at_period_end: false,
      access: { level: b.access.level, grace_ends_at: null, message: b.access.message },
    };
  }
  const { subscription: s, plan, pendingPlan, access } = b;
  return {
    id: s.id,
    status: s.status,
    tier: plan.tier,
    plan: { id: plan.id, code: plan.code, name: plan.name, version: plan.version },
    amount: minorToDecimal(plan.basePriceCents, plan.currency),
    amount_cents: plan.basePriceCents,
    interval: plan.interval,
    currency: plan.currency,
    current_period_start: s.currentPeriodStart.toISOString(),
    current_period_end: s.currentPeriodEnd.toISOString(),
    trial_end: s.trialEnd?.toISOString() ?? null,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    pending_plan: pendingPlan
      ? { id: pendingPlan.id, name: pendingPlan.name, effective_at: s.currentPeriodEnd.toISOString() }
      : null,
    provider: s.provider,
    livemode: s.livemode,
    access: { level: access.level, grace_ends_at: access.graceEndsAt?.toISOString() ?? null, message: access.message },
  };
}
