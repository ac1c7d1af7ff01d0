// Starting a checkout — a plan subscription or a credit pack — on the active payment rail. Stripe
// answers a Checkout URL (hosted) or, asked for `embedded`, a client secret that Stripe.js mounts as
// Embedded Checkout inside Tally's page; the sandbox a test-mode page inside the app; invoice
// billing an open invoice (invoice-checkout.ts). Nothing is granted here: only a confirmed payment (webhook, the
// sandbox's pay button, an operator marking the invoice paid) grants anything.
import "server-only";
import { and, eq } from "drizzle-orm";
import { appUrl } from "@/lib/env";
import { trialDaysFor } from "@/lib/overrides/overrides";
import { db } from "@/lib/db/client";
import { checkoutSessions, creditProducts, plans, type CheckoutSession } from "@/lib/db/schema";
import { AppError, conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { retrieveCheckoutSession } from "@/lib/stripe/payments";
import {
  createCreditsCheckout,
  createSubscriptionCheckout,
  type CheckoutPages,
  type StartedCheckout,
} from "@/lib/stripe/billing";
import { stripeCustomerOf } from "./provider-customer";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import { invoiceCheckout } from "./invoice-checkout";
import { stripeDifferences } from "@/lib/catalog/plan-stripe-status";
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
  /** With Stripe: its hosted page (the default), or Embedded Checkout in Tally's page. Other rails ignore it. */
  ui?: "hosted" | "embedded";
  /** Embedded only: where Stripe sends the buyer back (the API caller's own page); Tally's page when absent. */
  returnUrl?: string;
};

/** A started checkout; `clientSecret` is set for Stripe's Embedded Checkout only (never stored). */
export type StartedCheckoutSession = CheckoutSession & { clientSecret: string | null };

function stripePromotionCodeOf(p: { stripePromotionCodeId: string | null }): string {
  if (!p.stripePromotionCodeId)
    throw invalidField("promotion_code", "this code is not set up in Stripe; ask for a new one");
  return p.stripePromotionCodeId;
}

/** The sandbox's amount with the tax its invoice will add (Stripe's sessions total themselves). */
const localAmount = async (orgId: string, provider: string, netCents: number) =>
  provider === "local" ? totalWithTax(orgId, netCents) : netCents;

export async function startCheckout(
  orgId: string,
  req: CheckoutRequest,
  actor: string,
): Promise<StartedCheckoutSession> {
  if (Boolean(req.planId) === Boolean(req.creditProductId))
    throw invalidField("plan_id", "send either plan_id or credit_product_id");
  if (req.promotionCode && !req.planId) throw invalidField("promotion_code", "goes only with plan_id");
  const provider = activeProvider();
  const id = newId("cs");
  const base = req.origin ?? appUrl();
  const success = `${base}${req.successPath ?? "/billing"}?checkout=success&session=${id}`;
  const cancel = `${base}${req.cancelPath ?? "/billing"}?checkout=canceled&session=${id}`;
  // Embedded Checkout has one way back, complete or not: the page reads the session's status there.
  const returnUrl = req.returnUrl ?? `${base}${req.successPath ?? "/billing"}?checkout=return&session=${id}`;
  const pages: CheckoutPages =
    req.ui === "embedded" ? { ui: "embedded", returnUrl } : { ui: "hosted", successUrl: success, cancelUrl: cancel };
  // What the row keeps as its URL: the hosted page, or (embedded: there is none) the page it returns to.
  const urlOf = (s: StartedCheckout) => s.url ?? returnUrl;
  let clientSecret: string | null = null;
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
    if (provider === "manual") return { ...(await invoiceCheckout(orgId, { id, base, actor, plan })), clientSecret };
    let url = `${base}/sandbox/checkout/${id}`;
    let providerSessionId: string | null = null;
    if (provider === "stripe") {
      if (!plan.stripePriceId)
        throw new AppError(
          "validation_error",
          `Plan ${plan.code} is not linked to a Stripe price; sync the plans from Stripe first.`,
          [{ field: "plan_id", message: "no Stripe price" }],
        );
      // Stripe would charge its price, not this version's: refused until the plan is published again.
      if (stripeDifferences(plan).some((d) => d.field !== "name" && d.field !== "description"))
        throw conflict(
          `${plan.name} cannot be bought right now: its price at Stripe is not yet the one shown here. Try again later (an admin publishes plan ${plan.code} to Stripe to fix this).`,
        );
      const s = await createSubscriptionCheckout({
        customerId: await stripeCustomerOf(orgId),
        priceId: plan.stripePriceId,
        trialDays: plan.trialDays,
        pages,
        orgId,
        planId: plan.id,
        idempotencyKey: `tally-checkout-${id}`,
        promotionCodeId: promo?.promo ? stripePromotionCodeOf(promo.promo) : null,
        tax: await stripeTaxFor(orgId),
      });
      url = urlOf(s);
      providerSessionId = s.id;
      clientSecret = s.clientSecret;
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
    return { ...row!, clientSecret };
  }

  const [product] = await db.select().from(creditProducts).where(eq(creditProducts.id, req.creditProductId!));
  if (!product || !product.active) throw invalidField("credit_product_id", "no credit pack for sale with this id");
  if (provider === "manual") return { ...(await invoiceCheckout(orgId, { id, base, actor, product })), clientSecret };
  let url = `${base}/sandbox/checkout/${id}`;
  let providerSessionId: string | null = null;
  if (provider === "stripe") {
    const s = await createCreditsCheckout({
      customerId: await stripeCustomerOf(orgId),
      priceId: product.stripePriceId,
      name: product.name,
      amountCents: product.priceCents,
      currency: product.currency,
      pages,
      orgId,
      creditProductId: product.id,
      idempotencyKey: `tally-checkout-${id}`,
      tax: await stripeTaxFor(orgId),
    });
    url = urlOf(s);
    providerSessionId = s.id;
    clientSecret = s.clientSecret;
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
  return { ...row!, clientSecret };
}

export async function getCheckoutSession(orgId: string, id: string): Promise<CheckoutSession> {
  const [s] = await db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.id, id)));
  if (!s) throw notFound("Checkout session");
  return s;
}

export type CheckoutReturn = {
  /** complete: paid (or the trial started); open: left before paying; expired: too late to pay. */
  status: "complete" | "open" | "expired";
  kind: CheckoutSession["kind"];
};

/**
 * Where the buyer's checkout stands when Embedded Checkout sends them back: Stripe's session as it is
 * now (re-read, not the return URL's word). Nothing is granted here; the webhook does that.
 */
/**
 * An embedded session's client secret read again from Stripe — an idempotent replay answers it without
 * Tally ever storing the secret. Null once the session is no longer open (nothing left to mount).
 */
export async function embeddedClientSecret(orgId: string, id: string): Promise<string | null> {
  const row = await getCheckoutSession(orgId, id);
  if (row.provider !== "stripe" || !row.providerSessionId) return null;
  const s = await retrieveCheckoutSession(row.providerSessionId);
  return s?.status === "open" ? s.clientSecret : null;
}

export async function checkoutReturn(orgId: string, id: string): Promise<CheckoutReturn> {
  const row = await getCheckoutSession(orgId, id);
  if (row.provider !== "stripe" || !row.providerSessionId)
    return {
      status: row.status === "complete" ? "complete" : row.status === "expired" ? "expired" : "open",
      kind: row.kind,
    };
  const s = await retrieveCheckoutSession(row.providerSessionId);
  if (!s) throw notFound("Checkout session");
  return { status: s.status === "complete" ? "complete" : s.status === "expired" ? "expired" : "open", kind: row.kind };
}

/**
 * A started checkout as the API answers it (POST /api/v1/billing/checkout). `clientSecret` only for
 * Stripe's Embedded Checkout (`ui_mode: "embedded"`); every other answer is a page to send the buyer to.
 */
export function checkoutJson(
  s: CheckoutSession,
  embedded: { clientSecret: string | null; publishableKey: string | null } | null = null,
): CheckoutJson {
  return {
    ui_mode: embedded?.clientSecret ? "embedded" : "hosted",
    client_secret: embedded?.clientSecret ?? null,
    publishable_key: embedded?.clientSecret ? embedded.publishableKey : null,
    id: s.id,
    url: s.url,
    provider: s.provider,
    kind: s.kind,
    amount_cents: s.amountCents,
    currency: s.currency,
    expires_at: s.expiresAt.toISOString(),
  };
}
