// What each Stripe event does. prepare() re-reads the current object from Stripe (outside any
// transaction); apply() converges Tally's records on it inside the event's transaction. An event's
// body says only which object changed: with an API key nothing in it is acted on, so a forged or
// stale body moves no money and changes no state. An object Stripe does not have is refused (the
// event is logged as ignored, with the reason); Stripe failing to answer fails the event (5xx, so
// Stripe retries). Without an API key nothing can be re-read, so every handled event is refused
// as unverifiable (200, so Stripe stops sending it; logged as ignored with the reason, and an
// admin's replay applies it once a key is set): a body alone, even a signed one, changes nothing.
import "server-only";
import { and, eq } from "drizzle-orm";
import type {
  StripeEvent,
  StripeInvoiceObject,
  StripePrice,
  StripeProduct,
  StripeSubscriptionObject,
} from "@/lib/stripe/types";
import type { Executor } from "@/lib/db/client";
import {
  checkoutSessions,
  invoices,
  organizations,
  paymentMethods,
  payments,
  subscriptions,
  type PaymentStatus,
  type WebhookEvent,
} from "@/lib/db/schema";
import { findCreditProduct } from "@/lib/catalog/credit-events";
import { syncPrice } from "@/lib/catalog/sync-stripe-plans";
import { upsertStripeInvoice } from "@/lib/invoices/mirror";
import { mirrorStripeCreditNote } from "@/lib/invoices/credit-note-mirror";
import { retrieveStripeCreditNote, type StripeCreditNoteMirror } from "@/lib/stripe/credit-notes";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { emitCheckoutsCompleted, invoiceEvent as invoiceWebhookEvent } from "@/lib/outbound-webhooks/events";
import { packPaymentProblem, type PackPayment } from "@/lib/payments/credit-pack-payment";
import { onCreditPackPaid, onPaymentRefunded } from "@/lib/payments/credit-purchase";
import { upsertStripePaymentMethod } from "@/lib/payments/payment-methods";
import { applySucceededSetup, type StripePaymentMethodState } from "@/lib/payments/card-setup";
import { retrieveSetupIntent, type StripeSetupIntentState } from "@/lib/stripe/setup-intents";
import { recordPayment } from "@/lib/payments/record-payment";
import { applyStripeSubscription } from "@/lib/payments/subscription-sync";
import { enqueueStripePeriodUsage } from "@/lib/payments/stripe-period-usage";
import { listRecurringPrices, retrievePrice, type StripePriceInfo } from "@/lib/stripe/catalog";
import {
  retrieveInvoice,
  retrievePaymentMethod,
  retrieveSubscription,
  type StripeInvoiceState,
  type StripeSubscriptionState,
} from "@/lib/stripe/billing";
import { stripeConfigured } from "@/lib/stripe/client";
import {
  retrieveCharge,
  retrieveCheckoutSession,
  retrievePaymentIntent,
  retrieveRefund,
  type StripeChargeState,
  type StripeCheckoutState,
  type StripePaymentIntentState,
  type StripeRefundState,
} from "@/lib/stripe/payments";

/** What an event did. `refused` (a reason) marks an event Tally will not act on: stored as ignored with the reason, answered 200. */
export type Applied = { outcome: string; orgId?: string | null; refused?: string };
type Handler<P> = {
  prepare: (e: WebhookEvent) => Promise<P>;
  apply: (tx: Executor, e: WebhookEvent, p: P) => Promise<Applied>;
};

const objectOf = <T>(e: WebhookEvent) => (e.payload as unknown as StripeEvent).data.object as unknown as T;
const objectIdOf = (e: WebhookEvent) => objectOf<{ id?: unknown }>(e).id;
const eventTime = (e: WebhookEvent) => e.createdAt;
const refused = (outcome: string, reason: string, orgId?: string | null): Applied => ({
  outcome: `refused_${outcome}`,
  refused: reason,
  orgId,
});

/** The current object from Stripe, or why there is none to act on. */
type Reread<T> = { ok: true; object: T } | { ok: false; outcome: string; reason: string };

async function reread<T>(what: string, id: unknown, retrieve: (id: string) => Promise<T | null>): Promise<Reread<T>> {
  if (typeof id !== "string" || !id) return { ok: false, outcome: "malformed", reason: `The event names no ${what}.` };
  const object = await retrieve(id);
  return object
    ? { ok: true, object }
    : { ok: false, outcome: "not_at_stripe", reason: `Stripe has no ${what} ${id}; nothing was applied.` };
}

async function orgByCustomer(tx: Executor, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  const [o] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.stripeCustomerId, customerId));
  return o?.id ?? null;
}

/** The organization a payment belongs to: its Stripe customer's, else the first named one that exists. */
async function orgOfPayment(
  tx: Executor,
  customerId: string | null,
  ...named: (string | null | undefined)[]
): Promise<string | null> {
  const byCustomer = await orgByCustomer(tx, customerId);
  if (byCustomer) return byCustomer;
  for (const id of named) {
    if (!id) continue;
    const [o] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id));
    if (o) return o.id;
  }
  return null;
}

/** The current subscription from Stripe (null when Stripe has none), with the time that state is from. */
async function currentSubscription(id: string | null): Promise<{ state: StripeSubscriptionState; at: Date } | null> {
  if (!id) return null;
  const at = new Date();
  const state = await retrieveSubscription(id);
  return state ? { state, at } : null;
}

const subscriptionNotFound = (id: string | null) =>
  refused("not_at_stripe", `Stripe has no subscription ${id ?? "(none named)"}; nothing was applied.`);

const subscriptionEvent: Handler<{ state: StripeSubscriptionState; at: Date } | null> = {
  prepare: (e) => currentSubscription(objectOf<StripeSubscriptionObject>(e).id),
  apply: async (tx, e, p) => {
    if (!p) return subscriptionNotFound(objectOf<StripeSubscriptionObject>(e).id);
    const r = await applyStripeSubscription(tx, p.state, { at: p.at, actor: `stripe:${e.id}` });
    return { outcome: `subscription_${r.outcome}`, orgId: r.orgId };
  },
};

/** A credit pack bought through Stripe: granted from the catalog once the re-read payment matches the pack's price. */
async function grantPaidPack(
  tx: Executor,
  e: WebhookEvent,
  input: {
    orgId: string;
    productId: string;
    paymentId: string;
    paid: PackPayment & { amountCents: number; currency: string };
    source: string;
    /** Stripe's test mode: spendable credits, never revenue. */
    livemode: boolean;
  },
): Promise<Applied> {
  const pack = await findCreditProduct(tx, input.productId);
  const problem = packPaymentProblem(input.productId, pack, input.paid);
  if (problem) return refused(problem.code, `${input.source}: ${problem.message}; no credits granted.`, input.orgId);
  const payment = await recordPayment(tx, {
    orgId: input.orgId,
    provider: "stripe",
    providerPaymentId: input.paymentId,
    kind: "credits",
    status: "succeeded",
    amountCents: input.paid.amountCents,
    currency: input.paid.currency,
    description: "Credit pack",
    creditProductId: input.productId,
    createdAt: eventTime(e),
    livemode: input.livemode,
  });
  await onCreditPackPaid(tx, {
    orgId: input.orgId,
    creditProductId: input.productId,
    paymentId: input.paymentId,
    at: eventTime(e),
    livemode: input.livemode,
  });
  // A refund whose event came first (this one failed, and Stripe retried it later) found no pack to
  // take from; it takes its share now.
  if (payment.amountRefundedCents > 0) {
    await onPaymentRefunded(tx, {
      orgId: input.orgId,
      provider: "stripe",
      paymentId: input.paymentId,
      amountCents: payment.amountCents,
      refundedCents: payment.amountRefundedCents,
      at: eventTime(e),
    });
  }
  return { outcome: "credits_granted", orgId: input.orgId };
}

const checkoutCompleted: Handler<{
  session: Reread<StripeCheckoutState>;
  sub: { state: StripeSubscriptionState; at: Date } | null;
}> = {
  prepare: async (e) => {
    const session = await reread("checkout session", objectIdOf(e), retrieveCheckoutSession);
    const sub =
      session.ok && session.object.mode === "subscription"
        ? await currentSubscription(session.object.subscriptionId)
        : null;
    return { session, sub };
  },
  apply: async (tx, e, p) => {
    if (!p.session.ok) return refused(p.session.outcome, p.session.reason);
    const s = p.session.object;
    if (s.status !== "complete")
      return refused(
        "not_complete",
        `Checkout session ${s.id} is ${s.status ?? "of no status"} at Stripe, not complete; nothing was applied.`,
      );
    const completed = await tx
      .update(checkoutSessions)
      .set({ status: "complete", completedAt: eventTime(e) })
      .where(eq(checkoutSessions.providerSessionId, s.id))
      .returning();
    await emitCheckoutsCompleted(tx, completed);
    if (s.mode === "subscription") {
      if (!p.sub) return subscriptionNotFound(s.subscriptionId);
      const r = await applyStripeSubscription(tx, p.sub.state, { at: p.sub.at, actor: `stripe:${e.id}` });
      return { outcome: `subscription_${r.outcome}`, orgId: r.orgId };
    }
    const productId = s.metadata.tally_credit_product_id;
    const orgId = await orgOfPayment(tx, s.customerId, s.metadata.tally_org_id, s.clientReferenceId);
    if (!productId || !orgId) return { outcome: "not_a_tally_checkout", orgId };
    // Credits only for money received: an async payment method completes later (payment_intent.succeeded).
    if (s.paymentStatus !== "paid" || s.amountTotal === null || !s.currency)
      return { outcome: "awaiting_payment", orgId };
    return grantPaidPack(tx, e, {
      orgId,
      productId,
      paymentId: s.paymentIntentId ?? s.id,
      paid: { amountCents: s.amountTotal, currency: s.currency, lineItems: s.lineItems },
      source: `Checkout session ${s.id}`,
      livemode: s.livemode,
    });
  },
};

/**
 * A renewal invoice (billing_reason subscription_cycle) is where the ended period's usage goes: on
 * it while Stripe (re-read) still has it as a draft, else on a separate invoice. Its period
 * (period_start … period_end) is the period that ended.
 */
async function queueRenewalUsage(tx: Executor, invoice: StripeInvoiceState): Promise<string | null> {
  if (
    invoice.billingReason !== "subscription_cycle" ||
    !invoice.subscriptionId ||
    !invoice.periodStart ||
    !invoice.periodEnd
  )
    return null;
  const [sub] = await tx
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, invoice.subscriptionId));
  if (!sub) return null;
  const draft = invoice.status === "draft";
  const queued = await enqueueStripePeriodUsage(
    tx,
    sub,
    { start: invoice.periodStart, end: invoice.periodEnd },
    draft ? { reason: "invoice_created", draftInvoiceId: invoice.id } : { reason: "invoice_not_draft" },
  );
  return queued ? (draft ? "usage_queued_on_draft" : "usage_queued_separately") : null;
}

const invoiceEvent: Handler<{
  invoice: StripeInvoiceState;
  at: Date;
  sub: { state: StripeSubscriptionState; at: Date } | null;
} | null> = {
  prepare: async (e) => {
    const at = new Date();
    const invoice = await retrieveInvoice(objectOf<StripeInvoiceObject>(e).id!);
    if (!invoice) return null;
    // Payment outcomes move the subscription (past_due, or back to active): re-read it too.
    const sub =
      invoice.subscriptionId && /payment_failed|payment_succeeded|invoice\.paid/.test(e.type)
        ? await currentSubscription(invoice.subscriptionId)
        : null;
    return { invoice, at, sub };
  },
  apply: async (tx, e, p) => {
    if (!p) return refused("not_at_stripe", `Stripe has no invoice ${String(objectIdOf(e))}; nothing was applied.`);
    const orgId = await orgByCustomer(tx, p.invoice.customerId);
    if (!orgId) return { outcome: "unknown_customer" };
    if (p.sub) await applyStripeSubscription(tx, p.sub.state, { at: p.sub.at, actor: `stripe:${e.id}` });
    const mirrored = await upsertStripeInvoice(tx, orgId, p.invoice, p.at);
    if (mirrored && e.type === "invoice.payment_failed")
      await emitWebhookEvent(
        tx,
        // Once per Stripe event, even if an admin's replay applies it again.
        {
          ...invoiceWebhookEvent("invoice.payment_failed", mirrored, p.at, { stripe_event_id: e.id }),
          dedupeKey: `stripe:${e.id}:invoice.payment_failed`,
        },
      );
    const usage = await queueRenewalUsage(tx, p.invoice);
    return { outcome: `invoice_${p.invoice.status}${usage ? `_${usage}` : ""}`, orgId };
  },
};

/** A PaymentIntent's state as a Tally payment status: Stripe's, whichever event announced it. */
function paymentStatusOf(pi: StripePaymentIntentState): PaymentStatus {
  if (pi.status === "succeeded") return "succeeded";
  if (pi.status === "canceled" || (pi.status === "requires_payment_method" && pi.failureMessage)) return "failed";
  return "pending";
}

const paymentIntentEvent: Handler<Reread<StripePaymentIntentState>> = {
  prepare: (e) => reread("payment intent", objectIdOf(e), retrievePaymentIntent),
  apply: async (tx, e, p) => {
    if (!p.ok) return refused(p.outcome, p.reason);
    const pi = p.object;
    const orgId = await orgOfPayment(tx, pi.customerId, pi.metadata.tally_org_id);
    if (!orgId) return { outcome: "unknown_customer" };
    const status = paymentStatusOf(pi);
    const productId = pi.metadata.tally_credit_product_id ?? null;
    // A credit pack paid by a delayed method: the credits come with the money (once per payment id).
    if (status === "succeeded" && productId) {
      return grantPaidPack(tx, e, {
        orgId,
        productId,
        paymentId: pi.id,
        paid: { amountCents: pi.amountReceived, currency: pi.currency },
        source: `Payment intent ${pi.id}`,
        livemode: pi.livemode,
      });
    }
    await recordPayment(tx, {
      orgId,
      provider: "stripe",
      providerPaymentId: pi.id,
      kind: productId ? "credits" : "subscription",
      status,
      amountCents: pi.amount,
      currency: pi.currency,
      description: pi.description ?? (productId ? "Credit pack" : "Subscription payment"),
      creditProductId: productId,
      failureMessage: status === "failed" ? (pi.failureMessage ?? "Payment failed") : null,
      createdAt: pi.created,
      livemode: pi.livemode,
    });
    return { outcome: `payment_${status}`, orgId };
  },
};

/**
 * The payment and the pack's credits converge on the charge's refunds as Stripe has them now: the
 * credits the refunded share covers are taken back (once), and after a refund failed, what was taken
 * beyond the new share is given back (once).
 */
async function convergeRefund(
  tx: Executor,
  e: WebhookEvent,
  ch: StripeChargeState,
  opts: { refundFailed?: boolean } = {},
): Promise<Applied> {
  const paymentId = ch.paymentIntentId ?? ch.id;
  // Stripe's payments only: a sandbox payment with the same id is another provider's.
  const [existing] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.provider, "stripe"), eq(payments.providerPaymentId, paymentId)));
  const orgId = existing?.orgId ?? (await orgByCustomer(tx, ch.customerId));
  if (!orgId) return { outcome: "unknown_customer" };
  await recordPayment(
    tx,
    {
      orgId,
      provider: "stripe",
      providerPaymentId: paymentId,
      kind: existing?.kind ?? "other",
      status: ch.amountRefunded >= ch.amount ? "refunded" : ch.amountRefunded > 0 ? "partially_refunded" : "succeeded",
      amountCents: ch.amount,
      amountRefundedCents: ch.amountRefunded,
      currency: ch.currency,
      description: existing?.description ?? ch.description ?? "Payment",
      createdAt: existing?.createdAt ?? ch.created,
    },
    opts,
  );
  const credits = await onPaymentRefunded(tx, {
    orgId,
    provider: "stripe",
    paymentId,
    amountCents: ch.amount,
    refundedCents: ch.amountRefunded,
    at: eventTime(e),
  });
  if (credits.restored > 0) return { outcome: "refund_failed_credits_restored", orgId };
  if (opts.refundFailed) return { outcome: "refund_failed_recorded", orgId };
  return { outcome: credits.taken > 0 ? "refund_recorded_credits_taken_back" : "refund_recorded", orgId };
}

const chargeRefunded: Handler<Reread<StripeChargeState>> = {
  prepare: (e) => reread("charge", objectIdOf(e), retrieveCharge),
  apply: async (tx, e, p) => {
    if (!p.ok) return refused(p.outcome, p.reason);
    const ch = p.object;
    if (ch.amountRefunded <= 0)
      return refused("not_refunded", `Charge ${ch.id} has no refund at Stripe; nothing was applied.`);
    return convergeRefund(tx, e, ch);
  },
};

/**
 * A refund changed: only a failed (or canceled) one matters here — Stripe then lowers the charge's
 * amount refunded, and the credits charge.refunded took for it come back. The refund and its charge
 * are both re-read; a succeeded refund is charge.refunded's.
 */
const refundUpdated: Handler<{ refund: Reread<StripeRefundState>; charge: StripeChargeState | null }> = {
  prepare: async (e) => {
    const refund = await reread("refund", objectIdOf(e), retrieveRefund);
    const charge = refund.ok && refund.object.chargeId ? await retrieveCharge(refund.object.chargeId) : null;
    return { refund, charge };
  },
  apply: async (tx, e, p) => {
    if (!p.refund.ok) return refused(p.refund.outcome, p.refund.reason);
    const r = p.refund.object;
    if (r.status !== "failed" && r.status !== "canceled") return { outcome: `refund_${r.status ?? "unknown"}` };
    if (!p.charge) return refused("not_at_stripe", `Stripe has no charge for refund ${r.id}; nothing was applied.`);
    return convergeRefund(tx, e, p.charge, { refundFailed: true });
  },
};

/**
 * A credit note made, changed or voided in Stripe (its Dashboard, its API, or Tally through it): the
 * note and its invoice are re-read; the invoice is mirrored (a note before payment changes what is
 * due), then the note recorded once by Stripe's id, or voided (lib/invoices/credit-note-mirror.ts).
 */
const creditNoteChanged: Handler<{
  note: Reread<StripeCreditNoteMirror>;
  invoice: StripeInvoiceState | null;
  at: Date;
}> = {
  prepare: async (e) => {
    const at = new Date();
    const note = await reread("credit note", objectIdOf(e), retrieveStripeCreditNote);
    return { note, invoice: note.ok ? await retrieveInvoice(note.object.invoiceId) : null, at };
  },
  apply: async (tx, e, p) => {
    if (!p.note.ok) return refused(p.note.outcome, p.note.reason);
    const n = p.note.object;
    const [known] = await tx
      .select({ orgId: invoices.orgId })
      .from(invoices)
      .where(eq(invoices.stripeInvoiceId, n.invoiceId));
    const orgId = known?.orgId ?? (await orgByCustomer(tx, n.customerId));
    if (!orgId) return { outcome: "unknown_customer" };
    if (!p.invoice)
      return refused("not_at_stripe", `Stripe has no invoice ${n.invoiceId} for credit note ${n.number}.`, orgId);
    const inv = await upsertStripeInvoice(tx, orgId, p.invoice, p.at);
    if (!inv) return refused("not_mirrored", `Invoice ${n.invoiceId} could not be mirrored.`, orgId);
    const r = await mirrorStripeCreditNote(tx, inv, n, eventTime(e));
    return r.refused ? refused(r.outcome.replace(/^refused_/, ""), r.refused, orgId) : { outcome: r.outcome, orgId };
  },
};

const paymentMethodEvent: Handler<Reread<NonNullable<Awaited<ReturnType<typeof retrievePaymentMethod>>>>> = {
  prepare: (e) => reread("payment method", objectIdOf(e), retrievePaymentMethod),
  apply: async (tx, _e, p) => {
    if (!p.ok) return refused(p.outcome, p.reason);
    const pm = p.object;
    // Attached or detached is what Stripe says now, whichever event arrived (they can arrive out of order).
    const detached = pm.customerId === null;
    let orgId = await orgByCustomer(tx, pm.customerId);
    if (!orgId) {
      const [known] = await tx
        .select({ orgId: paymentMethods.orgId })
        .from(paymentMethods)
        .where(and(eq(paymentMethods.provider, "stripe"), eq(paymentMethods.providerMethodId, pm.id)));
      orgId = known?.orgId ?? null;
    }
    if (!orgId) return { outcome: "unknown_customer" };
    await upsertStripePaymentMethod(tx, orgId, {
      id: pm.id,
      brand: pm.brand,
      last4: pm.last4,
      expMonth: pm.expMonth,
      expYear: pm.expYear,
      detached,
    });
    return { outcome: detached ? "payment_method_detached" : "payment_method_attached", orgId };
  },
};

/** A card saved in-page (Payment Element on a SetupIntent): re-read, then the customer's default. */
const setupIntentSucceeded: Handler<{ si: Reread<StripeSetupIntentState>; pm: StripePaymentMethodState | null }> = {
  prepare: async (e) => {
    const si = await reread("setup intent", objectIdOf(e), retrieveSetupIntent);
    const pm = si.ok && si.object.paymentMethodId ? await retrievePaymentMethod(si.object.paymentMethodId) : null;
    return { si, pm };
  },
  apply: async (tx, _e, p) => {
    if (!p.si.ok) return refused(p.si.outcome, p.si.reason);
    const si = p.si.object;
    const orgId = await orgByCustomer(tx, si.customerId);
    if (!orgId) return { outcome: "unknown_customer" };
    if (si.status !== "succeeded")
      return refused(
        "not_succeeded",
        `Setup intent ${si.id} is ${si.status} at Stripe, not succeeded; nothing was applied.`,
        orgId,
      );
    if (!p.pm || p.pm.customerId !== si.customerId)
      return refused(
        "not_at_stripe",
        `Setup intent ${si.id}'s payment method is not the customer's at Stripe; nothing was applied.`,
        orgId,
      );
    await applySucceededSetup(tx, orgId, si, p.pm);
    return { outcome: "payment_method_default", orgId };
  },
};

const catalogEvent: Handler<StripePriceInfo[]> = {
  prepare: async (e) => {
    if (e.type.startsWith("price.")) {
      const p = await retrievePrice(objectOf<StripePrice>(e).id);
      return p ? [p] : [];
    }
    const productId = objectOf<StripeProduct>(e).id;
    return (await listRecurringPrices()).filter((p) => p.product.id === productId);
  },
  apply: async (tx, _e, prices) => {
    const outcomes = [];
    for (const p of prices) outcomes.push((await syncPrice(tx, p)).outcome);
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
  "charge.refund.updated": erase(refundUpdated),
  "credit_note.created": erase(creditNoteChanged),
  "credit_note.updated": erase(creditNoteChanged),
  "credit_note.voided": erase(creditNoteChanged),
  "payment_method.attached": erase(paymentMethodEvent),
  "payment_method.detached": erase(paymentMethodEvent),
  "setup_intent.succeeded": erase(setupIntentSucceeded),
  "product.created": erase(catalogEvent),
  "product.updated": erase(catalogEvent),
  "price.created": erase(catalogEvent),
  "price.updated": erase(catalogEvent),
};

export const HANDLED_EVENT_TYPES = Object.keys(HANDLERS);

/**
 * Without an API key: an event of a handled type whose object cannot be re-read. Refused like a
 * money-moving event's body always was — whatever the type, a body is never applied on its own.
 */
const unverifiable: AnyHandler = {
  prepare: async () => null,
  apply: async (_x, e) => {
    const object = objectOf<{ object?: unknown }>(e).object;
    const what = typeof object === "string" ? object : "object";
    return refused(
      "unverifiable",
      `STRIPE_SECRET_KEY is unset, so ${what} ${String(objectIdOf(e))} cannot be re-read from Stripe; an event body alone is not acted on.`,
    );
  },
};

export function handlerFor(type: string): AnyHandler | undefined {
  const handler = HANDLERS[type];
  if (!handler) return undefined;
  return stripeConfigured() ? handler : unverifiable;
}
