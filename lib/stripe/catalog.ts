// Reads Stripe's products and prices for plan sync, as plain objects (no SDK types leave lib/stripe).
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
  product: { id: string; name: string; description: string | null; active: boolean; metadata: Record<string, string> };
};

function toInfo(p: Stripe.Price): StripePriceInfo | null {
  const product = p.product;
  if (typeof product === "string" || ("deleted" in product && product.deleted)) return null;
  const prod = product as Stripe.Product;
  return {
    id: p.id,
    active: p.active,
    currency: p.currency,
    unitAmount: p.unit_amount,
    interval: p.recurring?.interval ?? null,
    trialDays: p.recurring?.trial_period_days ?? null,
    lookupKey: p.lookup_key,
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
