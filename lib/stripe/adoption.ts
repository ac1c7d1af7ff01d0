// Reads of an existing Stripe account for adoption (lib/payments/adopt-stripe.ts): its customers,
// their subscriptions and their invoices, every page of each (the SDK's auto-paging), as plain
// objects. Reads only: nothing here writes to Stripe.
import "server-only";
import type Stripe from "stripe";
import { AppError } from "@/lib/http/errors";
import { toInvoiceState, toSubscriptionState, type StripeInvoiceState, type StripeSubscriptionState } from "./billing";
import { providerError, stripe } from "./client";

export type StripeCustomerInfo = {
  id: string;
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: Date;
  livemode: boolean;
};

/** Beyond this many objects of one kind a read stops with a 400 (adopt a named selection instead). */
export const ADOPTION_READ_LIMIT = 10_000;

function toCustomerInfo(c: Stripe.Customer): StripeCustomerInfo {
  return {
    id: c.id,
    email: c.email ?? null,
    name: c.name ?? null,
    metadata: (c.metadata ?? {}) as Record<string, string>,
    created: new Date(c.created * 1000),
    livemode: c.livemode !== false,
  };
}

async function collect<T, R>(list: AsyncIterable<T>, map: (t: T) => R | null, what: string): Promise<R[]> {
  const out: R[] = [];
  try {
    for await (const item of list) {
      const r = map(item);
      if (r !== null) out.push(r);
      if (out.length > ADOPTION_READ_LIMIT)
        throw new AppError(
          "bad_request",
          `The Stripe account has more than ${ADOPTION_READ_LIMIT} ${what}; adopt named customers (customers: [...]) instead.`,
        );
    }
  } catch (e) {
    throw providerError(e);
  }
  return out;
}

/** Every customer of the account (deleted ones are not listed by Stripe). */
export function listStripeCustomers(): Promise<StripeCustomerInfo[]> {
  return collect(stripe().customers.list({ limit: 100 }), toCustomerInfo, "customers");
}

/** One customer, or null when Stripe has none (or it was deleted). */
export async function retrieveStripeCustomer(id: string): Promise<StripeCustomerInfo | null> {
  try {
    const c = await stripe().customers.retrieve(id);
    return "deleted" in c && c.deleted ? null : toCustomerInfo(c as Stripe.Customer);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

/** A subscription as the webhooks read it, with every item's price (add-ons' too) and when it began at Stripe. */
export type StripeAdoptableSubscription = StripeSubscriptionState & { itemPriceIds: string[]; startedAt: Date | null };

/** Subscriptions in every status (ended ones too), of one customer or of the whole account. */
export function listStripeSubscriptions(customerId?: string): Promise<StripeAdoptableSubscription[]> {
  return collect(
    stripe().subscriptions.list({ status: "all", limit: 100, ...(customerId && { customer: customerId }) }),
    (s) => ({
      ...toSubscriptionState(s),
      itemPriceIds: (s.items?.data ?? []).flatMap((i) => (i.price?.id ? [i.price.id] : [])),
      startedAt: s.start_date ? new Date(s.start_date * 1000) : null,
    }),
    "subscriptions",
  );
}

/** Invoices in every status, newest first, of one customer or of the whole account. */
export function listStripeInvoices(customerId?: string): Promise<StripeInvoiceState[]> {
  return collect(
    stripe().invoices.list({ limit: 100, ...(customerId && { customer: customerId }) }),
    toInvoiceState,
    "invoices",
  );
}
