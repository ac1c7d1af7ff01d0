// Adding or replacing a card in-page with Stripe: a SetupIntent for the customer's Stripe customer,
// confirmed in the browser by Stripe.js's Payment Element. What the browser reports is never taken
// on its word: the SetupIntent is re-read from Stripe (by the page right after confirming, and by the
// setup_intent.succeeded webhook, whichever comes first; both converge), and its card becomes the
// default in Tally's mirror at once and at Stripe through the outbox (invoice_settings).
import "server-only";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { organizations, type PaymentMethod } from "@/lib/db/schema";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { enqueue, registerOutboxHandler } from "@/lib/jobs/outbox";
import { retrievePaymentMethod } from "@/lib/stripe/billing";
import {
  createSetupIntent,
  retrieveSetupIntent,
  setDefaultStripePaymentMethod,
  type StripeSetupIntentState,
} from "@/lib/stripe/setup-intents";
import { upsertStripePaymentMethod } from "./payment-methods";
import { stripePublishableKey } from "./provider";
import { stripeCustomerOf } from "./provider-customer";

export const SET_DEFAULT_PM_JOB = "stripe.set_default_payment_method";

export type StripePaymentMethodState = NonNullable<Awaited<ReturnType<typeof retrievePaymentMethod>>>;

/** A SetupIntent for the customer's card form: its client secret and the key Stripe.js loads with. */
export async function startCardSetup(orgId: string): Promise<{ clientSecret: string; publishableKey: string }> {
  const publishableKey = stripePublishableKey();
  if (!publishableKey)
    throw new AppError(
      "not_found",
      "Cards are saved in-page only with Stripe and its publishable key (STRIPE_PUBLISHABLE_KEY) set.",
    );
  const si = await createSetupIntent({
    customerId: await stripeCustomerOf(orgId),
    orgId,
    idempotencyKey: `tally-setup-${orgId}-${randomUUID()}`,
  });
  return { clientSecret: si.clientSecret, publishableKey };
}

/**
 * A succeeded SetupIntent's card, as Tally's default: mirrored (the others no longer default) and
 * queued to become the Stripe customer's default. Once per SetupIntent (the job's dedupe key).
 */
export async function applySucceededSetup(
  tx: Executor,
  orgId: string,
  si: StripeSetupIntentState,
  pm: StripePaymentMethodState,
): Promise<PaymentMethod> {
  const row = await upsertStripePaymentMethod(tx, orgId, { ...pm, detached: false }, { makeDefault: true });
  await enqueue(tx, {
    kind: SET_DEFAULT_PM_JOB,
    orgId,
    payload: { customerId: si.customerId, paymentMethodId: pm.id },
    dedupeKey: `${SET_DEFAULT_PM_JOB}:${si.id}`,
  });
  return row;
}

/** The page's word that the card form was confirmed: checked against Stripe, then applied. */
export async function finishCardSetup(orgId: string, setupIntentId: string): Promise<PaymentMethod> {
  const [org] = await db
    .select({ customerId: organizations.stripeCustomerId })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const si = await retrieveSetupIntent(setupIntentId);
  // Another customer's SetupIntent is as good as none: nothing about it is revealed.
  if (!si || !org?.customerId || si.customerId !== org.customerId) throw notFound("Card setup");
  if (si.status !== "succeeded" || !si.paymentMethodId)
    throw conflict(
      si.status === "processing"
        ? "Your bank is still confirming this card; it appears here once it is confirmed."
        : "This card was not confirmed; enter it again.",
    );
  const pm = await retrievePaymentMethod(si.paymentMethodId);
  if (!pm || pm.customerId !== org.customerId) throw notFound("Card setup");
  return db.transaction((tx) => applySucceededSetup(tx, orgId, si, pm));
}

registerOutboxHandler(SET_DEFAULT_PM_JOB, async (job) => {
  const customerId = String(job.payload.customerId);
  const paymentMethodId = String(job.payload.paymentMethodId);
  await setDefaultStripePaymentMethod(customerId, paymentMethodId);
  return { stripe_customer_id: customerId, default_payment_method: paymentMethodId };
});
