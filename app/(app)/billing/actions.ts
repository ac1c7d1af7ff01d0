"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formatDate, formatMoney } from "@/lib/format";
import { setAddonQuantity } from "@/lib/addons/subscription-addons";
import { formAction } from "@/lib/http/action";
import { requestOrigin } from "@/lib/http/origin";
import { finishCardSetup, startCardSetup } from "@/lib/payments/card-setup";
import { startCheckout } from "@/lib/payments/checkout";
import { stripePublishableKey } from "@/lib/payments/provider";
import type { CheckoutAnswer } from "@/lib/payments/schemas";
import { cancelAtPeriodEnd, changePlan, previewPlanChange, resumeSubscription } from "@/lib/payments/lifecycle";
import { portalUrl } from "@/lib/payments/portal";
import { resolvePlan } from "@/lib/subscriptions/subscribe";
import { updateBillingDetails } from "@/lib/invoices/billing-details";
import { ZBillingDetailsForm } from "@/lib/invoices/party-schemas";

const ZPlan = z.object({ plan_id: z.string().min(1), promotion_code: z.string().trim().max(64).optional() });

/**
 * With Stripe and its publishable key, checkout runs embedded in the page (the answer's client
 * secret); `ui=hosted` (the page's fallback when Stripe.js cannot load) or no publishable key: Stripe's
 * hosted page. Other rails answer a URL as before.
 */
export const checkoutAction = formAction(
  z.object({
    plan_id: z.string().optional(),
    credit_product_id: z.string().optional(),
    promotion_code: z.string().trim().max(64).optional(),
    return_to: z.enum(["/billing", "/credits"]).optional(),
    ui: z.enum(["embedded", "hosted"]).optional(),
  }),
  async (input, owner): Promise<CheckoutAnswer> => {
    const publishableKey = input.ui === "hosted" ? null : stripePublishableKey();
    const s = await startCheckout(
      owner.orgId,
      {
        planId: input.plan_id || undefined,
        creditProductId: input.credit_product_id || undefined,
        origin: await requestOrigin(),
        promotionCode: input.promotion_code || undefined,
        successPath: input.return_to,
        cancelPath: input.return_to,
        ui: publishableKey ? "embedded" : "hosted",
      },
      `user:${owner.id}`,
    );
    return s.clientSecret && publishableKey
      ? { url: null, embedded: { clientSecret: s.clientSecret, publishableKey } }
      : { url: s.url, embedded: null };
  },
  { auth: "owner" },
);

/** The in-page card form's SetupIntent (Stripe only). */
export const startCardSetupAction = formAction(z.object({}), async (_input, owner) => startCardSetup(owner.orgId), {
  auth: "owner",
});

/** The card form was confirmed in the browser: Tally re-reads the SetupIntent and makes its card the default. */
export const finishCardSetupAction = formAction(
  z.object({ setup_intent: z.string().regex(/^seti_\w+$/, "is not a SetupIntent id") }),
  async ({ setup_intent }, owner) => {
    const pm = await finishCardSetup(owner.orgId, setup_intent);
    revalidatePath("/billing");
    return { brand: pm.brand, last4: pm.last4 };
  },
  {
    auth: "owner",
    message: (pm) => `Saved: your ${pm.brand} card ending ${pm.last4} is charged from now on.`,
  },
);

export const previewChangeAction = formAction(
  ZPlan,
  async ({ plan_id }, owner) => {
    return previewPlanChange(owner.orgId, plan_id);
  },
  { auth: "owner" },
);

export const changePlanAction = formAction(
  ZPlan,
  async ({ plan_id, promotion_code }, owner) => {
    const r = await changePlan(owner.orgId, plan_id, `user:${owner.id}`, undefined, {
      promotionCode: promotion_code || undefined,
    });
    revalidatePath("/billing");
    return r;
  },
  {
    auth: "owner",
    message: (r) =>
      r.effective === "now"
        ? `You are now on ${r.new_plan.name}.`
        : `${r.new_plan.name} starts when your current period ends.`,
  },
);

/** Cancel at period end, or resume; the answer says what happens to a scheduled plan change. */
export const setCancelAction = formAction(
  z.object({ cancel: z.enum(["true", "false"]) }),
  async ({ cancel }, owner) => {
    const actor = `user:${owner.id}`;
    const s =
      cancel === "true" ? await cancelAtPeriodEnd(owner.orgId, actor) : await resumeSubscription(owner.orgId, actor);
    const pending = s.pendingPlanId ? (await resolvePlan({ id: s.pendingPlanId })).name : null;
    revalidatePath("/billing");
    return { canceled: s.cancelAtPeriodEnd, periodEnd: s.currentPeriodEnd.toISOString(), pending };
  },
  {
    auth: "owner",
    message: ({ canceled, periodEnd, pending }) =>
      canceled
        ? `Your subscription ends on ${formatDate(periodEnd)}.${pending ? ` The switch to ${pending} will not happen.` : ""}`
        : `Your subscription continues.${pending ? ` ${pending} starts on ${formatDate(periodEnd)}, as scheduled.` : ""}`,
  },
);

export const portalAction = formAction(
  z.object({}),
  async (_input, owner) => {
    return { url: await portalUrl(owner.orgId, await requestOrigin()) };
  },
  { auth: "owner" },
);

export const saveBillingDetailsAction = formAction(
  ZBillingDetailsForm,
  async ({ details }, owner) => {
    const saved = await updateBillingDetails(owner.orgId, details);
    revalidatePath("/billing");
    return saved;
  },
  { auth: "owner", message: () => "Saved. Invoices issued from now on show these details." },
);

/** Buy, change or remove an add-on (quantity 0 removes it); the answer says what the period's invoice gains or loses. */
export const setAddonAction = formAction(
  z.object({ addon: z.string().min(1), quantity: z.string().regex(/^\d{1,5}$/, "must be a whole number") }),
  async ({ addon, quantity }, owner) => {
    const r = await setAddonQuantity(owner.orgId, addon, Number(quantity), `user:${owner.id}`);
    revalidatePath("/billing");
    return r;
  },
  {
    auth: "owner",
    message: (r) => {
      const what = r.quantity === 0 ? "Removed." : `You now have ${r.quantity}.`;
      const money =
        r.amount_cents > 0
          ? ` ${formatMoney(r.amount_cents, r.currency)} is added to this period's invoice.`
          : r.amount_cents < 0
            ? ` ${formatMoney(-r.amount_cents, r.currency)} is credited on this period's invoice.`
            : "";
      return `${what}${money}`;
    },
  },
);
