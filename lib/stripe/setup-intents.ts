// Saving a card in-page: a SetupIntent for the customer's Stripe customer, confirmed in the browser
// by Stripe.js's Payment Element, then re-read here (never taken from the browser's word) and its
// payment method made the customer's default for invoices.
import "server-only";
import { providerError, stripe } from "./client";

export type StripeSetupIntentState = {
  id: string;
  /** requires_payment_method, requires_confirmation, requires_action, processing, canceled or succeeded. */
  status: string;
  customerId: string | null;
  paymentMethodId: string | null;
  metadata: Record<string, string>;
};

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === "string" ? v : v.id);

export async function createSetupIntent(input: {
  customerId: string;
  orgId: string;
  idempotencyKey: string;
}): Promise<{ id: string; clientSecret: string }> {
  try {
    const si = await stripe().setupIntents.create(
      {
        customer: input.customerId,
        // Kept for invoices and top-ups charged while the customer is away.
        usage: "off_session",
        automatic_payment_methods: { enabled: true },
        metadata: { tally_org_id: input.orgId },
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { id: si.id, clientSecret: si.client_secret! };
  } catch (e) {
    throw providerError(e);
  }
}

export async function retrieveSetupIntent(id: string): Promise<StripeSetupIntentState | null> {
  try {
    const si = await stripe().setupIntents.retrieve(id);
    return {
      id: si.id,
      status: si.status,
      customerId: idOf(si.customer as string | { id: string } | null),
      paymentMethodId: idOf(si.payment_method as string | { id: string } | null),
      metadata: (si.metadata ?? {}) as Record<string, string>,
    };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw providerError(e);
  }
}

/** The card Stripe charges for the customer's invoices (and Tally's off-session top-ups) from now on. */
export async function setDefaultStripePaymentMethod(customerId: string, paymentMethodId: string): Promise<void> {
  await stripe().customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId } });
}
