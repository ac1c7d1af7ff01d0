// Starting a checkout — a plan subscription or a credit pack — on the active payment rail. Stripe
// answers a Checkout URL; the sandbox a test-mode page inside the app; invoice billing an open
// invoice (invoice-checkout.ts). Nothing is granted here: only a confirmed payment (webhook, the
// sandbox's pay button, an operator marking the invoice paid) grants anything.
import "server-only";
import { and, eq } from "drizzle-orm";
import { appUrl } from "@/lib/env";
import { trialDaysFor } from "@/lib/overrides/overrides";
import { db } from "@/lib/db/client";
import { checkoutSessions, creditProducts, organizations, plans, type CheckoutSession } from "@/lib/db/schema";
import { AppError, conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { providerError } from "@/lib/stripe/client";
import { createStripeCustomer } from "@/lib/stripe/customers";
import { createCreditsCheckout, createSubscriptionCheckout } from "@/lib/stripe/billing";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import { invoiceCheckout } from "./invoice-checkout";
import { activeProvider } from "./provider";
import type { CheckoutJson } from "./schemas";
import { assertSelfServe } from "./self-serve";
import { resolvePromotionCode } from "@/lib/coupons/redeem";
import { discountedFeeCents } from "@/lib/coupons/discount-math";
import { totalWithTax } from "@/lib/tax/buyer-tax";
import { stripeTaxFor } from "@/lib/tax/stripe-tax";

export type CheckoutRequest = {
  planId?: string;
  creditProductId?: string;
  successPath?: string;
  cancelPath?: string;
  origin?: string;
  /** A promotion code the customer typed: checked now, redeemed when the checkout completes. */
  promotionCode?: string;
};

async function stripeCustomerOf(orgId: string): Promise<string> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("Customer");
  if (org.stripeCustomerId) return org.stripeCustomerId;
  // The outbox creates it soon after sign-up; a checkout that comes first creates it now, with the
  // same idempotency key, so the two can never make two customers. Stripe down is a 503 to the
  // buyer (try again shortly), not a 500.
  const id = await createStripeCustomer(org).catch((e: unknown) => {
    throw providerError(e);
  });
  await db
    .update(organizations)
    .set({ stripeCustomerId: id })
    .where(and(eq(organizations.id, orgId)));
  return id;
}

function stripePromotionCodeOf(p: { stripePromotionCodeId: string | null }): string {
  if (!p.stripePromotionCodeId)
    throw invalidField("promotion_code", "this code is not set up in Stripe; ask for a new one");
  return p.stripePromotionCodeId;
}

/** The sandbox's amount with the tax its invoice will add (Stripe's sessions total themselves). */
const localAmount = async (orgId: string, provider: string, netCents: number) =>
  provider === "local" ? totalWithTax(orgId, netCents) : netCents;

export async function startCheckout(orgId: string, req: CheckoutRequest, actor: string): Promise<CheckoutSession> {
  if (Boolean(req.planId) === Boolean(req.creditProductId))
    throw invalidField("plan_id", "send either plan_id or credit_product_id");
  if (req.promotionCode && !req.planId) throw invalidField("promotion_code", "goes only with plan_id");
  const provider = activeProvider();
  const id = newId("cs");
  const base = req.origin ?? appUrl();
  const success = `${base}${req.successPath ?? "/billing"}?checkout=success&session=${id}`;
  const cancel = `${base}${req.cancelPath ?? "/billing"}?checkout=canceled&session=${id}`;
  const expiresAt = new Date(Date.now() + 24 * 3600_000);

  if (req.planId) {
    const [catalogPlan] = await db.select().from(plans).where(eq(plans.id, req.planId));
    if (!catalogPlan || !catalogPlan.active) throw invalidField("plan_id", "no plan for sale with this id");
    // The trial offered is the customer's own when an operator overrode it (lib/overrides).
    const plan = { ...catalogPlan, trialDays: await trialDaysFor(db, orgId, catalogPlan, new Date()) };
    assertSelfServe(plan);
    const live = await liveSubscription(orgId);
    if (live) throw conflict("You already have a subscription: change its plan instead of checking out again.");
    const promo = req.promotionCode ? await resolvePromotionCode(db, orgId, req.promotionCode, plan, new Date()) : null;
    if (provider === "manual") return invoiceCheckout(orgId, { id, base, actor, plan });
    let url = `${base}/sandbox/checkout/${id}`;
    let providerSessionId: string | null = null;
    if (provider === "stripe") {
      if (!plan.stripePriceId)
        throw new AppError(
          "validation_error",
          `Plan ${plan.code} is not linked to a Stripe price; sync the plans from Stripe first.`,
          [{ field: "plan_id", message: "no Stripe price" }],
        );
      const s = await createSubscriptionCheckout({
        customerId: await stripeCustomerOf(orgId),
        priceId: plan.stripePriceId,
        trialDays: plan.trialDays,
        successUrl: success,
        cancelUrl: cancel,
        orgId,
        planId: plan.id,
        idempotencyKey: `tally-checkout-${id}`,
        promotionCodeId: promo?.promo ? stripePromotionCodeOf(promo.promo) : null,
        tax: await stripeTaxFor(orgId),
      });
      url = s.url;
      providerSessionId = s.id;
    }
    const [row] = await db
      .insert(checkoutSessions)
      .values({
        id,
        orgId,
        provider,
        kind: "subscription",
        planId: plan.id,
        url,
        providerSessionId,
        promotionCodeId: promo?.promo?.id ?? null,
        // The sandbox shows what its card is charged: the first period's fee with the customer's tax.
        amountCents:
          plan.trialDays > 0
            ? 0
            : await localAmount(orgId, provider, discountedFeeCents(promo?.coupon, plan.basePriceCents, plan.currency)),
        currency: plan.currency,
        createdBy: actor,
        expiresAt,
        livemode: provider !== "local",
      })
      .returning();
    return row!;
  }

  const [product] = await db.select().from(creditProducts).where(eq(creditProducts.id, req.creditProductId!));
  if (!product || !product.active) throw invalidField("credit_product_id", "no credit pack for sale with this id");
  if (provider === "manual") return invoiceCheckout(orgId, { id, base, actor, product });
  let url = `${base}/sandbox/checkout/${id}`;
  let providerSessionId: string | null = null;
  if (provider === "stripe") {
    const s = await createCreditsCheckout({
      customerId: await stripeCustomerOf(orgId),
      priceId: product.stripePriceId,
      name: product.name,
      amountCents: product.priceCents,
      currency: product.currency,
      successUrl: success,
      cancelUrl: cancel,
      orgId,
      creditProductId: product.id,
      idempotencyKey: `tally-checkout-${id}`,
      tax: await stripeTaxFor(orgId),
    });
    url = s.url;
    providerSessionId = s.id;
  }
  const [row] = await db
    .insert(checkoutSessions)
    .values({
      id,
      orgId,
      provider,
      kind: "credits",
      creditProductId: product.id,
      url,
      providerSessionId,
      amountCents: await localAmount(orgId, provider, product.priceCents),
      currency: product.currency,
      createdBy: actor,
      expiresAt,
      livemode: provider !== "local",
    })
    .returning();
  return row!;
}

export async function getCheckoutSession(orgId: string, id: string): Promise<CheckoutSession> {
  const [s] = await db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.id, id)));
  if (!s) throw notFound("Checkout session");
  return s;
}

/** A started checkout as the API answers it (POST /api/v1/billing/checkout). */
export function checkoutJson(s: CheckoutSession): CheckoutJson {
  return {
    id: s.id,
    url: s.url,
    provider: s.provider,
    kind: s.kind,
    amount_cents: s.amountCents,
    currency: s.currency,
    expires_at: s.expiresAt.toISOString(),
  };
}
