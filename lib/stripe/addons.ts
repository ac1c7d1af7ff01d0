// Add-ons at Stripe: a recurring add-on is an extra subscription item with its own price (a product
// and price Tally creates once per add-on), added, re-quantified or deleted with proration as a plan
// change is; a one-time add-on is a pending invoice item that Stripe puts on the subscription's next
// invoice. Every write carries an idempotency key derived from Tally's change, so a retried request
// adds nothing twice. Plain objects out: no SDK type leaves lib/stripe.
import "server-only";
import { ADDON_ITEM_METADATA, call } from "./billing";
import { stripe } from "./client";
import { stripeIdempotencyKey } from "./invoice-items";

export type AddonPriceInput = {
  id: string;
  code: string;
  name: string;
  currency: string;
  priceCents: number;
  interval: string;
};

/** A product and recurring price for the add-on at Stripe, created once (keyed by the add-on's id). */
export async function createAddonPrice(a: AddonPriceInput): Promise<string> {
  const metadata = { [ADDON_ITEM_METADATA]: a.id, tally_addon_code: a.code };
  const product = await call(() =>
    stripe().products.create({ name: a.name, metadata }, { idempotencyKey: `tally-addon-product:${a.id}` }),
  );
  const price = await call(() =>
    stripe().prices.create(
      {
        product: product.id,
        currency: a.currency,
        unit_amount: a.priceCents,
        recurring: { interval: a.interval as "month" | "year" },
        metadata,
      },
      { idempotencyKey: `tally-addon-price:${a.id}` },
    ),
  );
  return price.id;
}

type Proration = "always_invoice" | "none";

export async function addSubscriptionItem(input: {
  subscriptionId: string;
  priceId: string;
  addonId: string;
  quantity: number;
  proration: Proration;
  idempotencyKey: string;
}): Promise<string> {
  const item = await call(() =>
    stripe().subscriptionItems.create(
      {
        subscription: input.subscriptionId,
        price: input.priceId,
        quantity: input.quantity,
        proration_behavior: input.proration,
        metadata: { [ADDON_ITEM_METADATA]: input.addonId },
      },
      { idempotencyKey: stripeIdempotencyKey(input.idempotencyKey) },
    ),
  );
  return item.id;
}

export async function setSubscriptionItemQuantity(input: {
  itemId: string;
  quantity: number;
  proration: Proration;
  idempotencyKey: string;
}): Promise<void> {
  await call(() =>
    stripe().subscriptionItems.update(
      input.itemId,
      { quantity: input.quantity, proration_behavior: input.proration },
      { idempotencyKey: stripeIdempotencyKey(input.idempotencyKey) },
    ),
  );
}

/** Deletes the item; one Stripe no longer has is gone already (a retry after a lost answer). */
export async function deleteSubscriptionItem(itemId: string, proration: Proration): Promise<void> {
  await call(async () => {
    try {
      await stripe().subscriptionItems.del(itemId, { proration_behavior: proration });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  });
}

/** A one-time charge Stripe adds to the subscription's next invoice. */
export async function addPendingInvoiceItem(input: {
  customerId: string;
  subscriptionId: string;
  amountCents: number;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
}): Promise<string> {
  const item = await call(() =>
    stripe().invoiceItems.create(
      {
        customer: input.customerId,
        subscription: input.subscriptionId,
        amount: input.amountCents,
        currency: input.currency,
        description: input.description,
        metadata: input.metadata,
      },
      { idempotencyKey: stripeIdempotencyKey(input.idempotencyKey) },
    ),
  );
  return item.id;
}
