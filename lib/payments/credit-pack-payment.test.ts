import { describe, expect, it } from "vitest";
import { packPaymentProblem, type PackPayment } from "./credit-pack-payment";

type Pack = Parameters<typeof packPaymentProblem>[1];

const pack: NonNullable<Pack> = {
  id: "cp_big",
  name: "20,000 credits",
  priceCents: 20_000,
  currency: "usd",
  stripePriceId: null,
};
const linked: NonNullable<Pack> = { ...pack, stripePriceId: "price_big" };

describe("whether a payment bought a credit pack as Tally sells it", () => {
  it.each<[string, Pack, PackPayment, string | null]>([
    ["the pack's price, in its currency", pack, { amountCents: 20_000, currency: "usd" }, null],
    ["currency in capitals", pack, { amountCents: 20_000, currency: "USD" }, null],
    [
      "one line, quantity 1",
      pack,
      { amountCents: 20_000, currency: "usd", lineItems: [{ priceId: "price_adhoc", quantity: 1 }] },
      null,
    ],
    [
      "the linked Stripe price",
      linked,
      { amountCents: 20_000, currency: "usd", lineItems: [{ priceId: "price_big", quantity: 1 }] },
      null,
    ],
    ["line items not listed", linked, { amountCents: 20_000, currency: "usd", lineItems: null }, null],
    ["a cent for 20,000 credits", pack, { amountCents: 1, currency: "usd" }, "amount_mismatch"],
    ["more than the price", pack, { amountCents: 20_001, currency: "usd" }, "amount_mismatch"],
    ["no amount", pack, { amountCents: null, currency: "usd" }, "amount_mismatch"],
    ["another currency", pack, { amountCents: 20_000, currency: "eur" }, "currency_mismatch"],
    ["no currency", pack, { amountCents: 20_000, currency: null }, "currency_mismatch"],
    ["a pack Tally does not sell", null, { amountCents: 20_000, currency: "usd" }, "unknown_credit_product"],
    [
      "twenty of a cheaper line",
      pack,
      { amountCents: 20_000, currency: "usd", lineItems: [{ priceId: "price_x", quantity: 20 }] },
      "line_items_mismatch",
    ],
    [
      "two lines",
      pack,
      {
        amountCents: 20_000,
        currency: "usd",
        lineItems: [
          { priceId: "a", quantity: 1 },
          { priceId: "b", quantity: 1 },
        ],
      },
      "line_items_mismatch",
    ],
    ["no lines", pack, { amountCents: 20_000, currency: "usd", lineItems: [] }, "line_items_mismatch"],
    [
      "another Stripe price",
      linked,
      { amountCents: 20_000, currency: "usd", lineItems: [{ priceId: "price_other", quantity: 1 }] },
      "line_items_mismatch",
    ],
  ])("%s", (_name, product, paid, problem) => {
    expect(packPaymentProblem("cp_big", product, paid)?.code ?? null).toBe(problem);
  });
});
