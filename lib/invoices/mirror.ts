// Invoices mirrored from Stripe: upserted by Stripe's id; an older state never overwrites a newer.
import "server-only";
import { eq } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { invoiceLines, invoices, subscriptions, type Invoice, type InvoiceStatus } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { emitWebhookEvents } from "@/lib/outbound-webhooks/emit";
import { invoiceEvent } from "@/lib/outbound-webhooks/events";
import type { StripeInvoiceState } from "@/lib/stripe/billing";

const STATUS: Record<string, InvoiceStatus> = {
  draft: "draft",
  open: "open",
  paid: "paid",
  void: "void",
  uncollectible: "uncollectible",
};

export async function upsertStripeInvoice(
  tx: Executor,
  orgId: string,
  inv: StripeInvoiceState,
  stateAt: Date,
): Promise<Invoice | null> {
  const [existing] = await tx.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id)).for("update");
  if (existing?.providerUpdatedAt && stateAt < existing.providerUpdatedAt) return existing;
  const [sub] = inv.subscriptionId
    ? await tx
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(eq(subscriptions.stripeSubscriptionId, inv.subscriptionId))
    : [];
  const values = {
    orgId,
    provider: "stripe" as const,
    livemode: inv.livemode,
    number: inv.number ?? `DRAFT-${inv.id}`,
    status: STATUS[inv.status] ?? "open",
    currency: inv.currency,
    subtotalCents: inv.subtotal,
    totalCents: inv.total,
    amountPaidCents: inv.amountPaid,
    amountDueCents: inv.amountDue,
    subscriptionId: sub?.id ?? null,
    periodStart: inv.lines[0]?.periodStart ?? inv.periodStart,
    periodEnd: inv.lines[0]?.periodEnd ?? inv.periodEnd,
    issuedAt: inv.created,
    paidAt: inv.paidAt,
    stripeInvoiceId: inv.id,
    hostedUrl: inv.hostedUrl,
    pdfUrl: inv.pdfUrl,
    providerUpdatedAt: stateAt,
  };
  let row: Invoice;
  if (existing) {
    [row] = (await tx.update(invoices).set(values).where(eq(invoices.id, existing.id)).returning()) as [Invoice];
    await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, existing.id));
  } else {
    [row] = (await tx
      .insert(invoices)
      .values({ id: newId("inv"), ...values })
      .returning()) as [Invoice];
  }
  if (inv.lines.length) {
    await tx.insert(invoiceLines).values(
      inv.lines.map((l, i) => ({
        id: newId("inl"),
        invoiceId: row.id,
        orgId,
        position: i,
        kind: l.proration ? ("proration" as const) : ("subscription" as const),
        description: l.description || "Subscription",
        quantity: String(l.quantity),
        amountCents: l.amount,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
      })),
    );
  }
  // Webhook events for the transitions this state brings: issued (out of draft), paid, voided.
  const was = existing?.status ?? "draft";
  await emitWebhookEvents(tx, [
    ...(was === "draft" && row.status !== "draft" ? [invoiceEvent("invoice.issued", row, stateAt)] : []),
    ...(was !== "paid" && row.status === "paid" ? [invoiceEvent("invoice.paid", row, row.paidAt ?? stateAt)] : []),
    ...(was !== "void" && row.status === "void" ? [invoiceEvent("invoice.voided", row, stateAt)] : []),
  ]);
  return row;
}
