// Invoice billing: an operator records that an open invoice was paid outside Tally (bank transfer,
// check, cash, other) with a reference. The payment is live money, keyed by the invoice, and what
// the invoice sold follows through the same functions a confirmed card payment runs: a credit pack
// is granted by onCreditPackPaid (keyed by the payment id, so recording twice grants once), an
// `incomplete` subscription starts (its included credits with it), a past-due one recovers.
import "server-only";
import { emitCheckoutsCompleted } from "@/lib/outbound-webhooks/events";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  checkoutSessions,
  invoices,
  payments,
  plans,
  subscriptions,
  type Invoice,
  type OfflinePaymentMethod,
  type Payment,
} from "@/lib/db/schema";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { markInvoicePaid } from "@/lib/invoices/issue-invoice";
import { openInvoices } from "@/lib/invoices/queries";
import { recordHistory } from "@/lib/subscriptions/history";
import { afterPeriodStarted } from "@/lib/subscriptions/hooks";
import { onCreditPackPaid } from "./credit-purchase";
import { setPaymentState } from "./local-billing";
import { taxShareCents } from "@/lib/tax/compute";
import { recordPayment } from "./record-payment";

export const OFFLINE_METHOD_LABELS: Record<OfflinePaymentMethod, string> = {
  bank_transfer: "Bank transfer",
  check: "Check",
  cash: "Cash",
  other: "Other",
};

/** The payment's id at the provider "manual": one per invoice, so a second recording finds the first. */
const offlinePaymentId = (invoiceId: string) => `manual_${invoiceId}`;

export type OfflinePaymentResult = { invoice: Invoice; payment: Payment | null; alreadyPaid: boolean };

export async function recordOfflinePayment(
  invoiceId: string,
  input: { method: OfflinePaymentMethod; reference: string; paidAt?: Date },
  actor: string,
  now = new Date(),
): Promise<OfflinePaymentResult> {
  return db.transaction(async (tx) => {
    // The row lock orders two operators (or a double click): the second sees the invoice paid.
    const [inv] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).for("update");
    if (!inv) throw notFound("Invoice");
    if (inv.status === "paid") {
      const [payment] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.provider, "manual"), eq(payments.providerPaymentId, offlinePaymentId(inv.id))));
      return { invoice: inv, payment: payment ?? null, alreadyPaid: true };
    }
    if (inv.provider !== "local") throw conflict(`Invoice ${inv.number} is collected by Stripe; it is paid there.`);
    if (inv.status !== "open")
      throw conflict(`Invoice ${inv.number} is ${inv.status}: only an open invoice can be marked paid.`);
    if (!inv.livemode) throw conflict(`Invoice ${inv.number} is a test (sandbox) invoice: it takes no real payment.`);
    const at = input.paidAt ?? now;
    if (at.getTime() > now.getTime() + 60_000) throw invalidField("paid_at", "must not be in the future");
    const [session] = await tx
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.orgId, inv.orgId), eq(checkoutSessions.invoiceId, inv.id)))
      .for("update");
    const payment = await recordPayment(tx, {
      orgId: inv.orgId,
      provider: "manual",
      providerPaymentId: offlinePaymentId(inv.id),
      kind: inv.subscriptionId ? "subscription" : session?.kind === "credits" ? "credits" : "other",
      status: "succeeded",
      amountCents: inv.amountDueCents,
      currency: inv.currency,
      taxCents: taxShareCents(inv.amountDueCents, inv.totalCents, inv.taxCents),
      description: `Invoice ${inv.number}`,
      invoiceId: inv.id,
      creditProductId: session?.creditProductId ?? null,
      paymentMethodLabel: `${OFFLINE_METHOD_LABELS[input.method]} · ${input.reference}`,
      offlineMethod: input.method,
      offlineReference: input.reference,
      recordedBy: actor,
      livemode: true,
      createdAt: at,
    });
    const paid = await markInvoicePaid(tx, inv.id, at);
    if (session?.kind === "credits" && session.creditProductId) {
      await onCreditPackPaid(tx, {
        orgId: inv.orgId,
        creditProductId: session.creditProductId,
        paymentId: payment.providerPaymentId,
        at,
      });
    }
    if (inv.subscriptionId) await subscriptionInvoicePaid(tx, inv.subscriptionId, actor, at);
    if (session)
      await emitCheckoutsCompleted(
        tx,
        await tx
          .update(checkoutSessions)
          .set({ status: "complete", completedAt: at })
          .where(eq(checkoutSessions.id, session.id))
          .returning(),
      );
    return { invoice: paid, payment, alreadyPaid: false };
  });
}

/** A subscription whose invoice was paid: an unpaid first period starts; a past-due one recovers once nothing is open. */
async function subscriptionInvoicePaid(tx: Executor, subscriptionId: string, actor: string, at: Date): Promise<void> {
  const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)).for("update");
  if (!sub) return;
  const [plan] = await tx.select().from(plans).where(eq(plans.id, sub.planId));
  if (sub.status === "incomplete") {
    const [s] = await tx
      .update(subscriptions)
      .set({ status: "active", updatedAt: at })
      .where(eq(subscriptions.id, sub.id))
      .returning();
    await recordHistory(tx, s!, plan!, "activated", {
      fromStatus: "incomplete",
      actor,
      occurredAt: at,
      comment: "First invoice paid",
    });
    // Included credits for the period; the period's invoice exists (the one just paid), so none is issued again.
    await afterPeriodStarted(tx, s!, plan!, at);
    return;
  }
  if (sub.status === "past_due" && (await openInvoices(sub.orgId, tx)).every((i) => i.subscriptionId !== sub.id)) {
    await setPaymentState(tx, sub, plan!, true, at);
  }
}
