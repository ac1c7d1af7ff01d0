// Stripe's products and prices for plans, as plain objects (no SDK types leave lib/stripe): read for
// the pull sync, written when Tally publishes a plan. Prices are immutable at Stripe: a plan's new
// terms are a new price; the old one is archived (active = false), never changed.
import "server-only";
import type Stripe from "stripe";
import { providerError, stripe } from "./client";

export type StripePriceInfo = {
  id: string;
  active: boolean;
  currency: string;
  unitAmount: number | null;
  interval: string | null;
  trialDays: number | null;
  lookupKey: string | null;
  metadata: Record<string, string>;
  product: { id: string; name: string; description: string | null; active: boolean; metadata: Record<string, string> };
};

/** A price's own fields (its product aside). */
const priceFields = (p: Stripe.Price): Omit<StripePriceInfo, "product"> => ({
  id: p.id,
  active: p.active,
  currency: p.currency,
  unitAmount: p.unit_amount,
  interval: p.recurring?.interval ?? null,
  trialDays: p.recurring?.trial_period_days ?? null,
  lookupKey: p.lookup_key,
  metadata: p.metadata ?? {},
});

function toInfo(p: Stripe.Price): StripePriceInfo | null {
  const product = p.product;
  if (typeof product === "string" || ("deleted" in product && product.deleted)) return null;
  const prod = product as Stripe.Product;
  return {
    ...priceFields(p),
    product: {
      id: prod.id,
      name: prod.name,
      description: prod.description ?? null,
      active: prod.active,
      metadata: prod.metadata ?? {},
    },
  };
}

/** Every recurring price, active or not, with its product. */
export async function listRecurringPrices(): Promise<StripePriceInfo[]> {
  try {
    const out: StripePriceInfo[] = [];
    for await (const p of stripe().prices.list({ type: "recurring", limit: 100, expand: ["data.product"] })) {
      const info = toInfo(p);
      if (info) out.push(info);
    }
    return out;
  } catch (e) {
    throw providerError(e);
  }
}

export async function retrievePrice(id: string): Promise<StripePriceInfo | null> {
  try {
    return toInfo(await stripe().prices.retrieve(id, { expand: ["product"] }));
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

export type StripeProductInfo = StripePriceInfo["product"];

const productInfo = (p: Stripe.Product): StripeProductInfo => ({
  id: p.id,
  name: p.name,
  description: p.description ?? null,
  active: p.active,
  metadata: p.metadata ?? {},
});

/** The product, or null when Stripe has none by that id (or it was deleted). */
export async function retrieveProduct(id: string): Promise<StripeProductInfo | null> {
  try {
    const p = await stripe().products.retrieve(id);
    return "deleted" in p && p.deleted ? null : productInfo(p);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

export async function createProduct(
  input: { name: string; description: string; metadata: Record<string, string> },
  idempotencyKey: string,
): Promise<StripeProductInfo> {
  try {
    return productInfo(
      await stripe().products.create(
        {
          name: input.name,
          // Stripe refuses an empty description on create: none is sent instead.
          ...(input.description ? { description: input.description } : {}),
          metadata: input.metadata,
        },
        { idempotencyKey },
      ),
    );
  } catch (e) {
    throw providerError(e);
  }
}

/** Name and description in place (an empty description unsets it); `active` when given. */
export async function updateProduct(
  id: string,
  patch: { name: string; description: string; active?: boolean },
): Promise<StripeProductInfo> {
  try {
    return productInfo(
      await stripe().products.update(id, {
        name: patch.name,
        description: patch.description,
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      }),
    );
  } catch (e) {
    throw providerError(e);
  }
}

/** A flat recurring price (licensed, quantity 1); its lookup key moves to it from any other price. */
export async function createRecurringPrice(
  input: {
    product: StripeProductInfo;
    unitAmount: number;
    currency: string;
    interval: "month" | "year";
    lookupKey: string;
    active: boolean;
    metadata: Record<string, string>;
  },
  idempotencyKey: string,
): Promise<StripePriceInfo> {
  try {
    const p = await stripe().prices.create(
      {
        product: input.product.id,
        unit_amount: input.unitAmount,
        currency: input.currency,
        recurring: { interval: input.interval },
        lookup_key: input.lookupKey,
        transfer_lookup_key: true,
        active: input.active,
        metadata: input.metadata,
      },
      { idempotencyKey },
    );
    return { ...priceFields(p), product: input.product };
  } catch (e) {
    throw providerError(e);
  }
}

/** Archives (false) or restores (true) a price; archived, it bills existing subscriptions but sells no new ones. */
export async function setPriceActive(id: string, active: boolean): Promise<void> {
  try {
    await stripe().prices.update(id, { active });
  } catch (e) {
    throw providerError(e);
  }
}
