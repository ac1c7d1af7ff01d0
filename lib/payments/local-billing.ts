// Billing by Tally itself (subscriptions of the local sandbox provider, and manual ones invoiced
// to the customer): one invoice per period, charged to the default sandbox card for the local
// provider. A declined charge makes the subscription past due; paying later recovers it.
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { plans, subscriptions, type Invoice, type Payment, type Plan, type Subscription } from "@/lib/db/schema";
import { issueInvoices, markInvoicePaid, type NewLine } from "@/lib/invoices/issue-invoice";
import { openInvoices } from "@/lib/invoices/queries";
import { dec } from "@/lib/money";
import {
  invoiceDiscountCents,
  liveDiscountDescription,
  liveDiscounts,
  type LiveDiscount,
} from "@/lib/coupons/live-discount";
import { recordHistory } from "@/lib/subscriptions/history";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { invoiceEvent } from "@/lib/outbound-webhooks/events";
import { formatCard, formatDate } from "@/lib/format";
import { defaultPaymentMethod } from "./payment-methods";
import { recordPayment } from "./record-payment";
import { newId } from "@/lib/ids";
import { taxShareCents } from "@/lib/tax/compute";
import { addonFeeLines } from "@/lib/addons/fees";
import { liveAddonsOf } from "@/lib/addons/live";

/**
 * The fee line of a period and, while the subscription's coupon lasts, its discount line (negative,
 * off the fee, or off the fee and `usageCents` for a coupon that applies to everything; rounded
 * once; never more than what it applies to).
 */
export function subscriptionLines(
  plan: Plan,
  period: { start: Date; end: Date },
  discount?: LiveDiscount | null,
  usageCents = 0,
): NewLine[] {
  const lines: NewLine[] = [
    {
      kind: "subscription",
      description: `${plan.name} (${plan.interval === "month" ? "monthly" : "yearly"}), ${formatDate(period.start)} – ${formatDate(period.end)}`,
      quantity: "1",
      unitAmount: dec(plan.basePriceCents).div(100).toFixed(2),
      amountCents: plan.basePriceCents,
      periodStart: period.start,
      periodEnd: period.end,
    },
  ];
  const off = invoiceDiscountCents(
    discount,
    period.start,
    { feeCents: plan.basePriceCents, usageCents },
    plan.currency,
  );
  if (off > 0 && discount)
    lines.push({
      kind: "other",
      description: liveDiscountDescription(discount, plan.currency),
      quantity: "1",
      amountCents: -off,
    });
  return lines;
}

/** Charges an open local invoice to the customer's default sandbox card. */
export async function chargeInvoice(
  tx: Executor,
  invoice: Invoice,
  at: Date,
): Promise<{ ok: boolean; message?: string; payment?: Payment }> {
  if (invoice.amountDueCents <= 0) return { ok: true };
  const pm = await defaultPaymentMethod(tx, invoice.orgId);
  const ok = Boolean(pm && !pm.declines);
  const message = !pm ? "No payment method on file." : pm.declines ? "Your card was declined." : undefined;
  const payment = await recordPayment(tx, {
    orgId: invoice.orgId,
    provider: "local",
    providerPaymentId: `py_local_${newId("pay").slice(4)}`,
    kind: invoice.subscriptionId ? "subscription" : "credits",
    status: ok ? "succeeded" : "failed",
    amountCents: invoice.amountDueCents,
    currency: invoice.currency,
    taxCents: taxShareCents(invoice.amountDueCents, invoice.totalCents, invoice.taxCents),
    description: `Invoice ${invoice.number}`,
    invoiceId: invoice.id,
    paymentMethodLabel: pm ? formatCard(pm.brand, pm.last4) : null,
    failureMessage: message ?? null,
    // A test invoice's charge is test money; a live one's (a seeded demo subscription) stays live.
    livemode: invoice.livemode,
    createdAt: at,
  });
  if (ok) await markInvoicePaid(tx, invoice.id, at);
  else
    await emitWebhookEvent(
      tx,
      invoiceEvent("invoice.payment_failed", invoice, at, { payment_id: payment.id, failure_message: message ?? null }),
    );
  return { ok, message, payment };
}

export async function setPaymentState(
  tx: Executor,
  sub: Subscription,
  plan: Plan,
  paid: boolean,
  at: Date,
): Promise<Subscription> {
  if (paid && sub.status === "past_due") {
    const [s] = await tx
      .update(subscriptions)
      .set({ status: "active", pastDueSince: null, updatedAt: at })
      .where(eq(subscriptions.id, sub.id))
      .returning();
    await recordHistory(tx, s!, plan, "recovered", {
      fromStatus: "past_due",
      actor: "provider:local",
      occurredAt: at,
      comment: "Open invoices paid",
    });
    return s!;
  }
  if (!paid && (sub.status === "active" || sub.status === "trialing")) {
    const [s] = await tx
      .update(subscriptions)
      .set({ status: "past_due", pastDueSince: at, updatedAt: at })
      .where(eq(subscriptions.id, sub.id))
      .returning();
    await recordHistory(tx, s!, plan, "past_due", {
      fromStatus: sub.status,
      actor: "provider:local",
      occurredAt: at,
      comment: "Renewal payment failed",
    });
    return s!;
  }
  return sub;
}

/** The invoice of a subscription period: issued once per period; charged when the provider is local. */
export async function billPeriod(
  tx: Executor,
  sub: Subscription,
  plan: Plan,
  period: { start: Date; end: Date },
  extraLines: NewLine[] = [],
): Promise<Invoice> {
  const [invoice] = await billPeriods(tx, [{ sub, plan, period, extraLines }]);
  return invoice!;
}

/** Many periods' invoices (the rollover's batch), issued together; each local one charged as billPeriod does. */
export async function billPeriods(
  tx: Executor,
  items: { sub: Subscription; plan: Plan; period: { start: Date; end: Date }; extraLines?: NewLine[] }[],
): Promise<Invoice[]> {
  const ids = items.map((i) => i.sub.id);
  const [discounts, held] = await Promise.all([liveDiscounts(tx, ids), liveAddonsOf(tx, ids)]);
  const issued = await issueInvoices(
    tx,
    items.map(({ sub, plan, period, extraLines = [] }) => ({
      orgId: sub.orgId,
      currency: plan.currency,
      lines: [
        ...subscriptionLines(
          plan,
          period,
          discounts.get(sub.id),
          extraLines.reduce((t, l) => t + l.amountCents, 0),
        ),
        ...addonFeeLines(held.get(sub.id) ?? [], period, plan.currency),
        ...extraLines,
      ],
      subscriptionId: sub.id,
      periodStart: period.start,
      periodEnd: period.end,
      sourceKey: `subscription:${sub.id}:${period.start.toISOString()}`,
      issuedAt: period.start,
      paid: false,
      livemode: sub.livemode,
    })),
  );
  for (const [n, { invoice, created }] of issued.entries()) {
    const { sub, plan, period } = items[n]!;
    if (created && sub.provider === "local" && invoice.status === "open") {
      const charge = await chargeInvoice(tx, invoice, period.start);
      await setPaymentState(tx, sub, plan, charge.ok, period.start);
    }
  }
  return issued.map((i) => i.invoice);
}

/**
 * After a card change: charge every open invoice of a sandbox-billed subscription; a subscription
 * whose invoices are all paid recovers. Invoices billed to be paid by invoice (manual
 * subscriptions, invoice-billing checkouts) are settled by an operator only, never by a card the
 * customer types in.
 */
export async function retryOpenInvoices(
  tx: Executor,
  orgId: string,
  at = new Date(),
): Promise<{ paid: number; failed: number }> {
  let paid = 0;
  let failed = 0;
  const cardBilled = new Set(
    (
      await tx
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(and(eq(subscriptions.orgId, orgId), eq(subscriptions.provider, "local")))
    ).map((s) => s.id),
  );
  for (const inv of await openInvoices(orgId, tx)) {
    if (!inv.subscriptionId || !cardBilled.has(inv.subscriptionId)) continue;
    const r = await chargeInvoice(tx, inv, at);
    if (r.ok) paid++;
    else failed++;
  }
  if (failed === 0 && paid > 0) {
    const [sub] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.orgId, orgId), eq(subscriptions.status, "past_due")));
    if (sub) {
      const [plan] = await tx.select().from(plans).where(eq(plans.id, sub.planId));
      await setPaymentState(tx, sub, plan!, true, at);
    }
  }
  return { paid, failed };
}
