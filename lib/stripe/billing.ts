// Stripe billing calls — Checkout, the Customer Portal, subscriptions, invoices — returning plain
// objects so that no SDK type leaves lib/stripe.
import "server-only";
import type Stripe from "stripe";
import { providerError, stripe } from "./client";
import { automaticTaxParams, NO_STRIPE_TAX, type StripeTax } from "./tax";

export type StripeSubscriptionState = {
  id: string;
  customerId: string;
  status: string;
  priceId: string | null;
  itemId: string | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
  endedAt: Date | null;
  metadata: Record<string, string>;
  /** False for an object of Stripe's test mode (an sk_test_ key): test money, never revenue. */
  livemode: boolean;
  /** The promotion code of the subscription's discount (Stripe counts its redemption), if any. */
  promotionCodeId: string | null;
  /** The add-ons' items (metadata tally_addon_id), after the plan's. */
  addonItems: { id: string; addonId: string; priceId: string | null; quantity: number }[];
};

export type StripeInvoiceState = {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  number: string | null;
  status: string;
  /** subscription_cycle for a renewal, manual for one created through the API, … */
  billingReason: string | null;
  currency: string;
  subtotal: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  periodStart: Date | null;
  periodEnd: Date | null;
  created: Date;
  paidAt: Date | null;
  hostedUrl: string | null;
  pdfUrl: string | null;
  /** False for an object of Stripe's test mode (an sk_test_ key): test money, never revenue. */
  livemode: boolean;
  /** Stripe's tax on it (Stripe Tax or TaxRates), per rate; empty when untaxed. */
  taxes: StripeTaxAmount[];
  lines: {
    /** Stripe's invoice line id (il_…): what a credit note's invoice_line_item names. */
    id: string | null;
    description: string;
    quantity: number;
    /** Stripe's line amount: net of exclusive tax, with inclusive tax inside. */
    amount: number;
    taxes: StripeTaxAmount[];
    priceId: string | null;
    periodStart: Date | null;
    periodEnd: Date | null;
    proration: boolean;
  }[];
};

/** The metadata key that marks a subscription item as an add-on's (the plan's item has none). */
export const ADDON_ITEM_METADATA = "tally_addon_id";

const ts = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);
const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === "string" ? v : v.id);

export function toSubscriptionState(s: Stripe.Subscription): StripeSubscriptionState {
  const items = s.items?.data ?? [];
  const addonOf = (i: Stripe.SubscriptionItem) => (i.metadata ?? {})[ADDON_ITEM_METADATA];
  // The plan's item is the one that is not an add-on's (Stripe lists items in the order added).
  const item = items.find((i) => !addonOf(i)) ?? items[0];
  const legacy = s as unknown as { current_period_start?: number; current_period_end?: number };
  return {
    id: s.id,
    customerId: idOf(s.customer as string | { id: string })!,
    status: s.status,
    priceId: item?.price?.id ?? null,
    itemId: item?.id ?? null,
    // Newer API versions keep the period on the item; older ones on the subscription.
    currentPeriodStart: ts(item?.current_period_start ?? legacy.current_period_start),
    currentPeriodEnd: ts(item?.current_period_end ?? legacy.current_period_end),
    trialEnd: ts(s.trial_end),
    cancelAtPeriodEnd: s.cancel_at_period_end,
    canceledAt: ts(s.canceled_at),
    endedAt: ts(s.ended_at),
    metadata: (s.metadata ?? {}) as Record<string, string>,
    livemode: s.livemode !== false,
    promotionCodeId: promotionCodeOf(s),
    addonItems: items
      .filter((i) => addonOf(i))
      .map((i) => ({ id: i.id, addonId: addonOf(i)!, priceId: i.price?.id ?? null, quantity: i.quantity ?? 1 })),
  };
}

function promotionCodeOf(s: Stripe.Subscription): string | null {
  const d = (s as unknown as { discount?: { promotion_code?: string | { id: string } | null } | null }).discount;
  return idOf(d?.promotion_code ?? null) ?? null;
}

export type StripeTaxAmount = { amount: number; inclusive: boolean; rateId: string | null; taxableAmount: number };

export type RawTax = {
  amount: number;
  tax_behavior?: string;
  inclusive?: boolean;
  tax_rate_details?: { tax_rate?: string | { id: string } } | null;
  tax_rate?: string | { id: string } | null;
  taxable_amount?: number | null;
};

/** Stripe's taxes (total_taxes / taxes, or the older total_tax_amounts / tax_amounts) in one shape. */
export function taxesOf(list: RawTax[] | null | undefined): StripeTaxAmount[] {
  return (list ?? []).map((t) => ({
    amount: t.amount,
    inclusive: t.tax_behavior ? t.tax_behavior === "inclusive" : Boolean(t.inclusive),
    rateId: idOf(t.tax_rate_details?.tax_rate ?? t.tax_rate ?? null),
    taxableAmount: t.taxable_amount ?? 0,
  }));
}

export function toInvoiceState(i: Stripe.Invoice): StripeInvoiceState {
  const raw = i as unknown as { total_taxes?: RawTax[] | null; total_tax_amounts?: RawTax[] | null };
  const parent = i as unknown as {
    parent?: { subscription_details?: { subscription?: string | { id: string } } };
    subscription?: string | { id: string };
  };
  return {
    id: i.id!,
    customerId: idOf(i.customer as string | { id: string })!,
    subscriptionId: idOf(parent.parent?.subscription_details?.subscription ?? parent.subscription ?? null),
    number: i.number ?? null,
    status: i.status ?? "draft",
    billingReason: i.billing_reason ?? null,
    currency: i.currency,
    subtotal: i.subtotal,
    total: i.total,
    amountPaid: i.amount_paid,
    amountDue: i.amount_due,
    periodStart: ts(i.period_start),
    periodEnd: ts(i.period_end),
    created: ts(i.created)!,
    paidAt: ts(i.status_transitions?.paid_at),
    hostedUrl: i.hosted_invoice_url ?? null,
    pdfUrl: i.invoice_pdf ?? null,
    livemode: i.livemode !== false,
    taxes: taxesOf(raw.total_taxes ?? raw.total_tax_amounts),
    lines: (i.lines?.data ?? []).map((l) => {
      const line = l as unknown as {
        id?: string;
        description?: string | null;
        quantity?: number | null;
        amount: number;
        period?: { start: number; end: number };
        pricing?: { price_details?: { price?: string } };
        price?: { id: string };
        proration?: boolean;
        parent?: { subscription_item_details?: { proration?: boolean } };
        taxes?: RawTax[] | null;
        tax_amounts?: RawTax[] | null;
      };
      return {
        id: line.id ?? null,
        description: line.description ?? "",
        quantity: line.quantity ?? 1,
        amount: line.amount,
        taxes: taxesOf(line.taxes ?? line.tax_amounts),
        priceId: line.pricing?.price_details?.price ?? line.price?.id ?? null,
        periodStart: ts(line.period?.start),
        periodEnd: ts(line.period?.end),
        proration: Boolean(line.proration ?? line.parent?.subscription_item_details?.proration),
      };
    }),
  };
}

export async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw providerError(e);
  }
}

export async function retrieveSubscription(id: string): Promise<StripeSubscriptionState | null> {
  try {
    return toSubscriptionState(await stripe().subscriptions.retrieve(id));
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

/**
 * The periods Stripe renewed a subscription for, from its renewal invoices (billing_reason
 * subscription_cycle; such an invoice's period is the period that ended), back to the period
 * ending at `since`, oldest first.
 */
export async function listRenewedPeriods(subscriptionId: string, since: Date): Promise<{ start: Date; end: Date }[]> {
  try {
    // Newest first; paged until the periods reach back to `since` (an invoice's creation time is not the period's).
    const out: Stripe.Invoice[] = [];
    for await (const i of stripe().invoices.list({ subscription: subscriptionId, limit: 100 })) {
      out.push(i);
      if (out.length >= 1000 || (i.period_end && i.period_end * 1000 <= since.getTime())) break;
    }
    return out
      .filter((i) => i.billing_reason === "subscription_cycle" && i.period_start && i.period_end)
      .map((i) => ({ start: ts(i.period_start)!, end: ts(i.period_end)! }))
      .sort((a, b) => a.start.getTime() - b.start.getTime());
  } catch (e) {
    throw providerError(e);
  }
}

export async function retrieveInvoice(id: string): Promise<StripeInvoiceState | null> {
  try {
    return toInvoiceState(await stripe().invoices.retrieve(id));
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

/**
 * Where the buyer pays: Stripe's hosted page (it sends them back to the success or cancel URL), or
 * Embedded Checkout inside Tally's page (Stripe.js mounts it with the session's client secret, and
 * sends the buyer to the return URL when it completes). `embedded_page` is the API version's
 * (2026-10-28.endive) name for what earlier versions called `embedded`.
 */
export type CheckoutPages =
  { ui: "hosted"; successUrl: string; cancelUrl: string } | { ui: "embedded"; returnUrl: string };

function checkoutPageParams(pages: CheckoutPages): Stripe.Checkout.SessionCreateParams {
  return pages.ui === "embedded"
    ? { ui_mode: "embedded_page", return_url: pages.returnUrl }
    : { success_url: pages.successUrl, cancel_url: pages.cancelUrl };
}

/** A created session: a URL for the hosted page, a client secret for the embedded one. */
export type StartedCheckout = { id: string; url: string | null; clientSecret: string | null };

const started = (s: Stripe.Checkout.Session): StartedCheckout => ({
  id: s.id,
  url: s.url ?? null,
  clientSecret: s.client_secret ?? null,
});

export async function createSubscriptionCheckout(input: {
  customerId: string;
  priceId: string;
  trialDays: number;
  pages: CheckoutPages;
  orgId: string;
  planId: string;
  idempotencyKey: string;
  /** A Stripe promotion code the customer typed: the session (and the subscription it makes) carries its discount. */
  promotionCodeId?: string | null;
  /** Stripe Tax, or Tally's rate as the subscription's default tax rate (lib/tax/stripe-tax.ts). */
  tax?: StripeTax;
}): Promise<StartedCheckout> {
  const tax = input.tax ?? NO_STRIPE_TAX;
  const s = await call(() =>
    stripe().checkout.sessions.create(
      {
        mode: "subscription",
        customer: input.customerId,
        client_reference_id: input.orgId,
        line_items: [{ price: input.priceId, quantity: 1 }],
        ...(input.promotionCodeId && { discounts: [{ promotion_code: input.promotionCodeId }] }),
        ...automaticTaxParams(tax, true),
        subscription_data: {
          ...(input.trialDays > 0 && { trial_period_days: input.trialDays }),
          ...(tax.taxRateIds.length > 0 && { default_tax_rates: tax.taxRateIds }),
          metadata: { tally_org_id: input.orgId, tally_plan_id: input.planId },
        },
        metadata: { tally_org_id: input.orgId, tally_plan_id: input.planId },
        ...checkoutPageParams(input.pages),
      },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return started(s);
}

export async function createCreditsCheckout(input: {
  customerId: string;
  priceId: string | null;
  name: string;
  amountCents: number;
  currency: string;
  pages: CheckoutPages;
  orgId: string;
  creditProductId: string;
  idempotencyKey: string;
  /** Stripe Tax, or Tally's rate on the pack's line (lib/tax/stripe-tax.ts). */
  tax?: StripeTax;
}): Promise<StartedCheckout> {
  const tax = input.tax ?? NO_STRIPE_TAX;
  const lineTax = tax.taxRateIds.length > 0 ? { tax_rates: tax.taxRateIds } : {};
  const metadata = { tally_org_id: input.orgId, tally_credit_product_id: input.creditProductId };
  const s = await call(() =>
    stripe().checkout.sessions.create(
      {
        mode: "payment",
        customer: input.customerId,
        client_reference_id: input.orgId,
        line_items: [
          input.priceId
            ? { price: input.priceId, quantity: 1, ...lineTax }
            : {
                ...lineTax,
                price_data: {
                  currency: input.currency,
                  unit_amount: input.amountCents,
                  product_data: { name: input.name },
                },
                quantity: 1,
              },
        ],
        ...automaticTaxParams(tax, true),
        payment_intent_data: { metadata },
        metadata,
        ...checkoutPageParams(input.pages),
      },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return started(s);
}

export async function createPortalSession(customerId: string, returnUrl: string): Promise<string> {
  const s = await call(() => stripe().billingPortal.sessions.create({ customer: customerId, return_url: returnUrl }));
  return s.url;
}

export async function setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<StripeSubscriptionState> {
  return toSubscriptionState(
    await call(() => stripe().subscriptions.update(subscriptionId, { cancel_at_period_end: cancel })),
  );
}

/** Ends the subscription at Stripe now (no proration credit); its last period's usage Tally bills itself. */
export async function cancelSubscriptionNow(subscriptionId: string): Promise<StripeSubscriptionState> {
  return toSubscriptionState(await call(() => stripe().subscriptions.cancel(subscriptionId)));
}

export async function changeSubscriptionPrice(
  subscriptionId: string,
  itemId: string,
  priceId: string,
  prorate: boolean,
): Promise<StripeSubscriptionState> {
  return toSubscriptionState(
    await call(() =>
      stripe().subscriptions.update(subscriptionId, {
        items: [{ id: itemId, price: priceId }],
        proration_behavior: prorate ? "always_invoice" : "none",
      }),
    ),
  );
}

/** What the customer would pay now for switching price, from Stripe's invoice preview. */
export async function previewPriceChange(
  customerId: string,
  subscriptionId: string,
  itemId: string,
  priceId: string,
): Promise<number> {
  const preview = await call(() =>
    stripe().invoices.createPreview({
      customer: customerId,
      subscription: subscriptionId,
      subscription_details: { items: [{ id: itemId, price: priceId }], proration_behavior: "always_invoice" },
    }),
  );
  return preview.amount_due;
}

export async function retrievePaymentMethod(id: string): Promise<{
  id: string;
  customerId: string | null;
  brand: string;
  last4: string;
  expMonth: number | null;
  expYear: number | null;
} | null> {
  try {
    const pm = await stripe().paymentMethods.retrieve(id);
    return {
      id: pm.id,
      customerId: idOf(pm.customer as string | { id: string } | null),
      brand: pm.card?.brand ?? pm.type,
      last4: pm.card?.last4 ?? "????",
      expMonth: pm.card?.exp_month ?? null,
      expYear: pm.card?.exp_year ?? null,
    };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}
