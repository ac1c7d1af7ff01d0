// The local provider's checkout: the sandbox page's Pay and Cancel buttons. Paying attaches the
// sandbox card, then subscribes (the first period is invoiced and charged) or sells the credit
// pack (invoiced, charged, and the credits granted once for that payment). A declined card
// records a failed payment and leaves the checkout open for another card. The sandbox is a test
// mode: everything it creates carries the session's livemode (false), so the customer is served
// but no figure of revenue counts it.
import { formatCard, formatCredits } from "@/lib/format";
import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { checkoutSessions, creditProducts } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/http/errors";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { newId } from "@/lib/ids";
import { emitCheckoutsCompleted } from "@/lib/outbound-webhooks/events";
import { dec } from "@/lib/money";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { resolvePromotionCodeById } from "@/lib/coupons/redeem";
import { recordLocalEvent } from "@/lib/webhooks/local-events";
import { onCreditPackPaid } from "./credit-purchase";
import { chargeInvoice } from "./local-billing";
import { addSandboxCard, type CardExpiry } from "./payment-methods";
import { requireSandbox } from "./provider";
import { recordPayment } from "./record-payment";

export type SandboxResult =
  { ok: true; kind: "subscription" | "credits"; subscriptionId?: string } | { ok: false; message: string };

export async function payLocalCheckout(
  orgId: string,
  sessionId: string,
  input: { cardNumber: string; expiry?: CardExpiry },
  actor: string,
  now = new Date(),
): Promise<SandboxResult> {
  return db.transaction(async (tx) => {
    const [session] = await tx
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.id, sessionId)))
      .for("update");
    if (!session || session.provider !== "local") throw notFound("Checkout session");
    requireSandbox();
    if (session.status === "complete") return { ok: true, kind: session.kind };
    if (session.status !== "open" || session.expiresAt < now)
      throw new AppError(
        "conflict",
        "This checkout has expired or was canceled; start a new one from the billing page.",
      );
    const card = await addSandboxCard(tx, orgId, { number: input.cardNumber, ...input.expiry });
    if (card.declines && session.amountCents > 0) {
      await recordPayment(tx, {
        orgId,
        provider: "local",
        providerPaymentId: `py_local_${newId("pay").slice(4)}`,
        kind: session.kind,
        status: "failed",
        amountCents: session.amountCents,
        currency: session.currency,
        description: session.kind === "subscription" ? "Subscription checkout" : "Credit pack checkout",
        paymentMethodLabel: formatCard(card.brand, card.last4),
        failureMessage: "Your card was declined.",
        creditProductId: session.creditProductId,
        livemode: session.livemode,
        createdAt: now,
      });
      await recordLocalEvent(
        tx,
        "payment_intent.payment_failed",
        orgId,
        {
          checkout_session: session.id,
          amount: session.amountCents,
          currency: session.currency,
          failure_message: "card_declined",
        },
        now,
      );
      return { ok: false, message: "Your card was declined. Try another card (4242 4242 4242 4242 always succeeds)." };
    }

    let subscriptionId: string | undefined;
    if (session.kind === "subscription") {
      const sub = await subscribe(
        orgId,
        {
          plan: { id: session.planId! },
          actor,
          now,
          provider: "local",
          livemode: session.livemode,
          discount: session.promotionCodeId
            ? await resolvePromotionCodeById(tx, orgId, session.promotionCodeId, session.planId!, now)
            : undefined,
        },
        tx,
      );
      subscriptionId = sub.id;
      await recordLocalEvent(
        tx,
        "customer.subscription.created",
        orgId,
        {
          id: sub.id,
          status: sub.status,
          plan: session.planId,
          current_period_end: sub.currentPeriodEnd.toISOString(),
        },
        now,
      );
    } else {
      const [product] = await tx.select().from(creditProducts).where(eq(creditProducts.id, session.creditProductId!));
      const { invoice } = await issueInvoice(tx, {
        orgId,
        currency: product!.currency,
        lines: [
          {
            kind: "credits",
            description: `${product!.name} (${formatCredits(product!.credits)})`,
            quantity: "1",
            unitAmount: dec(product!.priceCents).div(100).toFixed(2),
            amountCents: product!.priceCents,
          },
        ],
        sourceKey: `checkout:${session.id}`,
        issuedAt: now,
        paid: false,
        description: "Credit pack",
        livemode: session.livemode,
      });
      const charge = await chargeInvoice(tx, invoice, now);
      if (!charge.ok || !charge.payment)
        throw new AppError("provider_unavailable", charge.message ?? "The payment failed.");
      await onCreditPackPaid(tx, {
        orgId,
        creditProductId: product!.id,
        paymentId: charge.payment.providerPaymentId,
        at: now,
        livemode: session.livemode,
      });
      await recordLocalEvent(
        tx,
        "checkout.session.completed",
        orgId,
        {
          id: session.id,
          mode: "payment",
          credit_product: product!.id,
          payment: charge.payment.providerPaymentId,
          amount_total: product!.priceCents,
        },
        now,
      );
    }
    const completed = await tx
      .update(checkoutSessions)
      .set({ status: "complete", completedAt: now })
      .where(eq(checkoutSessions.id, session.id))
      .returning();
    await emitCheckoutsCompleted(tx, completed);
    return { ok: true, kind: session.kind, subscriptionId };
  });
}

export async function cancelLocalCheckout(orgId: string, sessionId: string): Promise<void> {
  const [s] = await db
    .update(checkoutSessions)
    .set({ status: "canceled" })
    .where(
      and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.id, sessionId), eq(checkoutSessions.status, "open")),
    )
    .returning();
  if (!s) {
    const [existing] = await db
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.id, sessionId)));
    if (!existing) throw notFound("Checkout session");
  }
}
