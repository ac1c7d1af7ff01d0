// Whether a provider's payment bought a credit pack as Tally sells it. What a purchase grants comes
// from Tally's catalog (the pack's credits); the amount the provider reports is only compared with
// the pack's price, never turned into credits, so a payment of 1 cent "for" a 20,000-credit pack
// grants nothing. Pure: the webhook handlers pass the pack and the payment re-read from Stripe.
import type { CreditProduct } from "@/lib/db/schema";

export type PackPayment = {
  amountCents: number | null;
  currency: string | null;
  /** A Checkout Session's line items, when the provider listed them. */
  lineItems?: { priceId: string | null; quantity: number }[] | null;
};

export type PackPaymentProblem = {
  code: "unknown_credit_product" | "amount_mismatch" | "currency_mismatch" | "line_items_mismatch";
  message: string;
};

type Pack = Pick<CreditProduct, "id" | "name" | "priceCents" | "currency" | "stripePriceId">;

export function packPaymentProblem(productId: string, pack: Pack | null, paid: PackPayment): PackPaymentProblem | null {
  if (!pack) return { code: "unknown_credit_product", message: `credit pack ${productId} is not in Tally's catalog` };
  if ((paid.currency ?? "").toLowerCase() !== pack.currency.toLowerCase()) {
    return {
      code: "currency_mismatch",
      message: `paid in ${paid.currency ?? "no currency"}, but ${pack.name} is sold in ${pack.currency}`,
    };
  }
  if (paid.amountCents !== pack.priceCents) {
    return {
      code: "amount_mismatch",
      message: `paid ${paid.amountCents ?? "nothing"} (minor units), but ${pack.name} costs ${pack.priceCents}`,
    };
  }
  if (paid.lineItems) {
    // Tally's checkout sells one pack: one line, quantity 1, at the pack's Stripe price when it has one.
    const [line, ...more] = paid.lineItems;
    if (
      !line ||
      more.length > 0 ||
      line.quantity !== 1 ||
      (pack.stripePriceId && line.priceId !== pack.stripePriceId)
    ) {
      return { code: "line_items_mismatch", message: `the checkout's line items are not one ${pack.name}` };
    }
  }
  return null;
}
