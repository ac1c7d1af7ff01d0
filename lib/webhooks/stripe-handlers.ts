// What each Stripe event does. prepare() reads the current object from Stripe (outside any
// transaction); apply() converges Tally's records on it inside the event's transaction. Without an
// API key the event's own copy of the object is used, ordered by event.created.
import "server-only";
import { eq } from "drizzle-orm";
import type { StripeCharge, StripeCheckoutSession, StripeEvent, StripeInvoiceObject, StripePaymentIntent, StripePaymentMethod, StripePrice, StripeProduct, StripeSubscriptionObject } from "@/lib/stripe/types";
import type { Executor } from "@/lib/db/client";
import { checkoutSessions, organizations, paymentMethods, payments, type WebhookEvent } from "@/lib/db/schema";
import { syncPrice } from "@/lib/catalog/sync-stripe-plans";
import { upsertStripeInvoice } from "@/lib/invoices/mirror";
import { onCreditPackPaid, onPaymentRefunded } from "@/lib/payments/credit-purchase";
import { upsertStripePaymentMethod } from "@/lib/payments/payment-methods";
import { recordPayment } from "@/lib/payments/record-payment";
import { applyStripeSubscription } from "@/lib/payments/subscription-sync";
import { listRecurringPrices, retrievePrice, type StripePriceInfo } from "@/lib/stripe/catalog";
import { retrieveInvoice, retrievePaymentMethod, retrieveSubscription, toInvoiceState, toSubscriptionState, type StripeInvoiceState, type StripeSubscriptionState } from "@/lib/stripe/billing";
import { stripeConfigured } from "@/lib/stripe/client";

type Applied = { outcome: string; orgId?: string | null };
type Handler<P> = { prepare: (e: WebhookEvent) => Promise<P>; apply: (x: Executor, e: WebhookEvent, p: P) => Promise<Applied> };

const objectOf = <T>(e: WebhookEvent) => (e.payload as unknown as StripeEvent).data.object as unknown as T;
const eventTime = (e: WebhookEvent) => e.createdAt;
const idOf = (v: unknown): string | null => (v == null ? null : typeof v === "string" ? v : ((v as { id?: string }).id ?? null));

async function orgByCustomer(x: Executor, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  const [o] = await x.select({ id: organizations.id }).from(organizations).where(eq(organizations.stripeCustomerId, customerId));
  return o?.id ?? null;
}

/** The current subscription from Stripe, or the event's copy; with the time that state is from. */
async function currentSubscription(e: WebhookEvent, id: string | null, fallback?: StripeSubscriptionObject): Promise<{ state: StripeSubscriptionState; at: Date } | null> {
  if (!id) return null;
  if (stripeConfigured()) {
    const at = new Date();
    const state = await retrieveSubscription(id);
    if (state) return { state, at };
  }
  return fallback ? { state: toSubscriptionState(fallback), at: eventTime(e) } : null;
}

const subscriptionEvent: Handler<{ state: StripeSubscriptionState; at: Date } | null> = {
  prepare: (e) => {
    const obj = objectOf<StripeSubscriptionObject>(e);
    return currentSubscription(e, obj.id, obj);
  },
  apply: async (x, e, p) => {
    if (!p) return { outcome: "subscription_not_found" };
    const r = await applyStripeSubscription(x, p.state, { at: p.at, actor: `stripe:${e.id}` });
    return { outcome: `subscription_${r.outcome}`, orgId: r.orgId };
  },
};

const checkoutCompleted: Handler<{ sub: { state: StripeSubscriptionState; at: Date } | null }> = {
  prepare: async (e) => {
    const s = objectOf<StripeCheckoutSession>(e);
    return { sub: s.mode === "subscription" ? await currentSubscription(e, idOf(s.subscription)) : null };
  },
  apply: async (x, e, p) => {
    const s = objectOf<StripeCheckoutSession>(e);
    await x.update(checkoutSessions).set({ status: "complete", completedAt: eventTime(e) }).where(eq(checkoutSessions.providerSessionId, s.id));
    if (s.mode === "subscription") {
      if (!p.sub) return { outcome: "subscription_not_found" };
      const r = await applyStripeSubscription(x, p.sub.state, { at: p.sub.at, actor: `stripe:${e.id}` });
      return { outcome: `subscription_${r.outcome}`, orgId: r.orgId };
    }
    const productId = s.metadata?.tally_credit_product_id;
    const orgId = (await orgByCustomer(x, idOf(s.customer))) ?? s.metadata?.tally_org_id ?? s.client_reference_id ?? null;
    if (!productId || !orgId) return { outcome: "not_a_tally_checkout", orgId };
    // Credits only for money received: an async payment method completes later (payment_intent.succeeded).
    if (s.payment_status !== "paid") return { outcome: "awaiting_payment", orgId };
    const paymentId = idOf(s.payment_intent) ?? s.id;
    await recordPayment(x, { orgId, provider: "stripe", providerPaymentId: paymentId, kind: "credits", status: "succeeded", amountCents: s.amount_total ?? 0, currency: s.currency ?? "usd", description: "Credit pack", creditProductId: productId, createdAt: eventTime(e) });
    await onCreditPackPaid(x, { orgId, creditProductId: productId, paymentId, at: eventTime(e) });
    return { outcome: "credits_granted", orgId };
  },
};

const invoiceEvent: Handler<{ invoice: StripeInvoiceState; at: Date; sub: { state: StripeSubscriptionState; at: Date } | null }> = {
  prepare: async (e) => {
    const obj = objectOf<StripeInvoiceObject>(e);
    let invoice = toInvoiceState(obj);
    let at = eventTime(e);
    if (stripeConfigured()) {
      const fresh = await retrieveInvoice(obj.id!);
      if (fresh) {
        invoice = fresh;
        at = new Date();
      }
    }
    // Payment outcomes move the subscription (past_due, or back to active): re-read it too.
    const sub = invoice.subscriptionId && /payment_failed|payment_succeeded|invoice\.paid/.test(e.type) ? await currentSubscription(e, invoice.subscriptionId) : null;
    return { invoice, at, sub };
  },
  apply: async (x, e, p) => {
    const orgId = await orgByCustomer(x, p.invoice.customerId);
    if (!orgId) return { outcome: "unknown_customer" };
    if (p.sub) await applyStripeSubscription(x, p.sub.state, { at: p.sub.at, actor: `stripe:${e.id}` });
    await upsertStripeInvoice(x, orgId, p.invoice, p.at);
    return { outcome: `invoice_${p.invoice.status}`, orgId };
  },
};

const paymentIntentEvent: Handler<null> = {
  prepare: async () => null,
  apply: async (x, e) => {
    const pi = objectOf<StripePaymentIntent>(e);
    const orgId = (await orgByCustomer(x, idOf(pi.customer))) ?? pi.metadata?.tally_org_id ?? null;
    if (!orgId) return { outcome: "unknown_customer" };
    const succeeded = e.type === "payment_intent.succeeded";
    const productId = pi.metadata?.tally_credit_product_id ?? null;
    await recordPayment(x, {
      orgId,
      provider: "stripe",
      providerPaymentId: pi.id,
      kind: productId ? "credits" : "subscription",
      status: succeeded ? "succeeded" : "failed",
      amountCents: pi.amount,
      currency: pi.currency,
      description: pi.description ?? (productId ? "Credit pack" : "Subscription payment"),
      creditProductId: productId,
      failureMessage: succeeded ? null : (pi.last_payment_error?.message ?? "Payment failed"),
      createdAt: new Date(pi.created * 1000),
    });
    // A credit pack paid by a delayed method: the credits come with the money (once per payment id).
    if (succeeded && productId) await onCreditPackPaid(x, { orgId, creditProductId: productId, paymentId: pi.id, at: eventTime(e) });
    return { outcome: succeeded ? "payment_succeeded" : "payment_failed", orgId };
  },
};

const chargeRefunded: Handler<null> = {
  prepare: async () => null,
  apply: async (x, e) => {
    const ch = objectOf<StripeCharge>(e);
    const paymentId = idOf(ch.payment_intent) ?? ch.id;
    const [existing] = await x.select().from(payments).where(eq(payments.providerPaymentId, paymentId));
    const orgId = existing?.orgId ?? (await orgByCustomer(x, idOf(ch.customer)));
    if (!orgId) return { outcome: "unknown_customer" };
    await recordPayment(x, {
      orgId,
      provider: "stripe",
      providerPaymentId: paymentId,
      kind: existing?.kind ?? "other",
      status: ch.amount_refunded >= ch.amount ? "refunded" : "partially_refunded",
      amountCents: ch.amount,
      amountRefundedCents: ch.amount_refunded,
      currency: ch.currency,
      description: existing?.description ?? ch.description ?? "Payment",
      createdAt: existing?.createdAt ?? new Date(ch.created * 1000),
    });
    const credits = await onPaymentRefunded(x, { orgId, paymentId, amountCents: ch.amount, refundedCents: ch.amount_refunded, at: eventTime(e) });
    return { outcome: credits.taken > 0 ? "refund_recorded_credits_taken_back" : "refund_recorded", orgId };
  },
};

const paymentMethodEvent: Handler<Awaited<ReturnType<typeof retrievePaymentMethod>>> = {
  prepare: async (e) => (stripeConfigured() && e.type.endsWith("attached") && !e.type.endsWith("detached") ? retrievePaymentMethod(objectOf<StripePaymentMethod>(e).id) : null),
  apply: async (x, e, fresh) => {
    const pm = objectOf<StripePaymentMethod>(e);
    const detached = e.type === "payment_method.detached";
    let orgId = await orgByCustomer(x, fresh?.customerId ?? idOf(pm.customer));
    if (!orgId) {
      const [known] = await x.select({ orgId: paymentMethods.orgId }).from(paymentMethods).where(eq(paymentMethods.providerMethodId, pm.id));
      orgId = known?.orgId ?? null;
    }
    if (!orgId) return { outcome: "unknown_customer" };
    await upsertStripePaymentMethod(x, orgId, { id: pm.id, brand: fresh?.brand ?? pm.card?.brand ?? pm.type, last4: fresh?.last4 ?? pm.card?.last4 ?? "????", expMonth: fresh?.expMonth ?? pm.card?.exp_month ?? null, expYear: fresh?.expYear ?? pm.card?.exp_year ?? null, detached });
    return { outcome: detached ? "payment_method_detached" : "payment_method_attached", orgId };
  },
};

const catalogEvent: Handler<StripePriceInfo[]> = {
  prepare: async (e) => {
    if (!stripeConfigured()) return [];
    if (e.type.startsWith("price.")) {
      const p = await retrievePrice(objectOf<StripePrice>(e).id);
      return p ? [p] : [];
    }
    const productId = objectOf<StripeProduct>(e).id;
    return (await listRecurringPrices()).filter((p) => p.product.id === productId);
  },
  apply: async (x, _e, prices) => {
    const outcomes = [];
    for (const p of prices) outcomes.push((await syncPrice(x, p)).outcome);
    return { outcome: prices.length ? `plans_${outcomes.join(",")}` : "no_recurring_prices" };
  },
};

type AnyHandler = Handler<unknown>;
/** Handlers differ in what prepare() hands to apply(); the table only needs each pair to agree. */
const erase = <P>(h: Handler<P>) => h as unknown as AnyHandler;

const HANDLERS: Record<string, AnyHandler> = {
  "checkout.session.completed": erase(checkoutCompleted),
  "customer.subscription.created": erase(subscriptionEvent),
  "customer.subscription.updated": erase(subscriptionEvent),
  "customer.subscription.deleted": erase(subscriptionEvent),
  "customer.subscription.trial_will_end": erase(subscriptionEvent),
  "invoice.payment_succeeded": erase(invoiceEvent),
  "invoice.paid": erase(invoiceEvent),
  "invoice.payment_failed": erase(invoiceEvent),
  "invoice.finalized": erase(invoiceEvent),
  "invoice.created": erase(invoiceEvent),
  "invoice.voided": erase(invoiceEvent),
  "payment_intent.succeeded": erase(paymentIntentEvent),
  "payment_intent.payment_failed": erase(paymentIntentEvent),
  "charge.refunded": erase(chargeRefunded),
  "payment_method.attached": erase(paymentMethodEvent),
  "payment_method.detached": erase(paymentMethodEvent),
  "product.created": erase(catalogEvent),
  "product.updated": erase(catalogEvent),
  "price.created": erase(catalogEvent),
  "price.updated": erase(catalogEvent),
};

export const HANDLED_EVENT_TYPES = Object.keys(HANDLERS);

export function handlerFor(type: string): AnyHandler | undefined {
  return HANDLERS[type];
}
