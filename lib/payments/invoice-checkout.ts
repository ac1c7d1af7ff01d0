// Invoice billing's checkout (PAYMENTS=invoice): no card page — a credit pack or a paid plan is
// invoiced (open, due now) and the customer is sent to that invoice, awaiting payment. A paid plan
// starts `incomplete` (no features, no included credits) with its first period invoiced. Nothing is
// granted until an operator records the payment (offline-payment.ts), which runs the same
// grant and activation a confirmed card payment runs.
import { formatCredits } from "@/lib/format";
import "server-only";
import { db } from "@/lib/db/client";
import { checkoutSessions, type CheckoutSession, type CreditProduct, type Plan } from "@/lib/db/schema";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { dec } from "@/lib/money";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { addDays } from "@/lib/time";
import { billPeriod } from "./local-billing";

/** How long an invoice-billing checkout waits for its payment before the customer must start again. */
export const INVOICE_CHECKOUT_DAYS = 30;

type Item = { plan: Plan; product?: undefined } | { product: CreditProduct; plan?: undefined };

export async function invoiceCheckout(
  orgId: string,
  input: { id: string; base: string; actor: string } & Item,
  now = new Date(),
): Promise<CheckoutSession> {
  const { id, base, actor } = input;
  const expiresAt = addDays(now, INVOICE_CHECKOUT_DAYS);
  return db.transaction(async (tx) => {
    if (input.plan) {
      const plan = input.plan;
      const dueNow = plan.trialDays > 0 ? 0 : plan.basePriceCents;
      // Nothing due today (a free plan, a trial): the plan starts now, as with a card; its later
      // periods are invoiced to be paid by invoice, as a manual subscription's are.
      const sub = await subscribe(
        orgId,
        {
          plan: { id: plan.id },
          actor,
          now,
          provider: "manual",
          ...(dueNow > 0 ? { status: "incomplete" as const } : {}),
        },
        tx,
      );
      const invoice =
        dueNow > 0
          ? await billPeriod(tx, sub, plan, { start: sub.currentPeriodStart, end: sub.currentPeriodEnd })
          : null;
      const [row] = await tx
        .insert(checkoutSessions)
        .values({
          id,
          orgId,
          provider: "manual",
          kind: "subscription",
          planId: plan.id,
          invoiceId: invoice?.id ?? null,
          url: invoice
            ? `${base}/billing/invoices/${invoice.id}?checkout=awaiting_payment`
            : `${base}/billing?checkout=success&session=${id}`,
          status: invoice ? "open" : "complete",
          completedAt: invoice ? null : now,
          amountCents: dueNow,
          currency: plan.currency,
          createdBy: actor,
          createdAt: now,
          expiresAt,
        })
        .returning();
      return row!;
    }
    const product = input.product;
    const { invoice } = await issueInvoice(tx, {
      orgId,
      currency: product.currency,
      lines: [
        {
          kind: "credits",
          description: `${product.name} (${formatCredits(product.credits)})`,
          quantity: "1",
          unitAmount: dec(product.priceCents).div(100).toFixed(2),
          amountCents: product.priceCents,
        },
      ],
      sourceKey: `checkout:${id}`,
      issuedAt: now,
      paid: false,
      description: "Credit pack",
    });
    const [row] = await tx
      .insert(checkoutSessions)
      .values({
        id,
        orgId,
        provider: "manual",
        kind: "credits",
        creditProductId: product.id,
        invoiceId: invoice.id,
        url: `${base}/billing/invoices/${invoice.id}?checkout=awaiting_payment`,
        amountCents: product.priceCents,
        currency: product.currency,
        createdBy: actor,
        createdAt: now,
        expiresAt,
      })
      .returning();
    return row!;
  });
}
