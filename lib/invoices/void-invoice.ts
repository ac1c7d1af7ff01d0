// Voiding an invoice: an open invoice that should never have been issued is cancelled with a reason.
// A local one turns void under its row lock (so a payment recorded at the same moment either came
// first — and the void is refused — or finds it void and is refused); its open checkout is
// cancelled. A Stripe one is voided at Stripe and mirrored. Voiding twice answers the void invoice.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { checkoutSessions, invoices, type Invoice } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { invoiceEvent } from "@/lib/outbound-webhooks/events";
import { voidStripeInvoice } from "@/lib/stripe/credit-notes";
import { upsertStripeInvoice } from "./mirror";

export type VoidResult = { invoice: Invoice; alreadyVoid: boolean };

export async function voidInvoice(
  invoiceId: string,
  reason: string,
  actor: string,
  now = new Date(),
): Promise<VoidResult> {
  const [found] = await db.select().from(invoices).where(eq(invoices.id, invoiceId));
  if (!found) throw notFound("Invoice");
  if (found.status === "void") return { invoice: found, alreadyVoid: true };
  refuseUnlessOpen(found);
  if (found.provider === "stripe") return voidAtStripe(found, reason, actor, now);
  return db.transaction(async (tx) => {
    const [inv] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).for("update");
    if (inv!.status === "void") return { invoice: inv!, alreadyVoid: true };
    refuseUnlessOpen(inv!);
    const [row] = await tx
      .update(invoices)
      .set({ status: "void", amountDueCents: 0, voidReason: reason, voidedBy: actor, voidedAt: now })
      .where(eq(invoices.id, invoiceId))
      .returning();
    // Its checkout can no longer complete: nothing will pay it.
    await tx
      .update(checkoutSessions)
      .set({ status: "canceled" })
      .where(and(eq(checkoutSessions.invoiceId, invoiceId), eq(checkoutSessions.status, "open")));
    await emitWebhookEvent(tx, invoiceEvent("invoice.voided", row!, now, { void_reason: reason }));
    return { invoice: row!, alreadyVoid: false };
  });
}

function refuseUnlessOpen(inv: Invoice): void {
  if (inv.status !== "open")
    throw conflict(
      `Invoice ${inv.number} is ${inv.status}: only an open invoice can be voided${inv.status === "paid" ? " (a paid one takes a credit note)" : ""}.`,
    );
}

async function voidAtStripe(inv: Invoice, reason: string, actor: string, now: Date): Promise<VoidResult> {
  const state = await voidStripeInvoice(inv.stripeInvoiceId!);
  return db.transaction(async (tx) => {
    // The mirror emits invoice.voided for the transition (as for a void that starts at Stripe).
    await upsertStripeInvoice(tx, inv.orgId, state, now);
    const [row] = await tx
      .update(invoices)
      .set({ voidReason: reason, voidedBy: actor, voidedAt: now })
      .where(eq(invoices.id, inv.id))
      .returning();
    return { invoice: row!, alreadyVoid: false };
  });
}
