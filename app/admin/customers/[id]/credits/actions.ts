"use server";
import { formatCredits, formatInteger } from "@/lib/format";
import { revalidatePath } from "next/cache";
import { adjustCredits } from "@/lib/credits/adjust-credits";
import { setAutoTopUp } from "@/lib/credits/auto-top-up";
import { ZAutoTopUpForm } from "@/lib/credits/auto-top-up-schemas";
import { ZAdjustForm, ZGrantForm, ZPurchaseForm, ZSettingsForm } from "@/lib/credits/form-schemas";
import { grantCredits, grantPurchasedCredits } from "@/lib/credits/grant-credits";
import { updateCreditSettings } from "@/lib/credits/settings";
import { formAction } from "@/lib/http/action";
import { invalidField } from "@/lib/http/errors";
import { setSpendingCap } from "@/lib/billing/spending-cap";
import { capAmountFromForm, ZSpendingCapForm } from "@/lib/billing/spending-cap-schemas";

const page = (orgId: string) => `/admin/customers/${orgId}/credits`;

export const grantCreditsAction = formAction(
  ZGrantForm,
  async (input, admin) => {
    const res = await grantCredits(input.org_id, {
      amount: input.amount,
      source: input.source,
      expiresAt: input.expires_on,
      reason: input.reason,
      idempotencyKey: input.idempotency_key,
      actor: `user:${admin.id}`,
    });
    revalidatePath(page(input.org_id));
    // The customer's page offers the same grant and shows the balance.
    revalidatePath(`/admin/customers/${input.org_id}`);
    return { credits: res.body.amount };
  },
  { auth: "admin", message: (d) => `Granted ${formatCredits(d.credits)}.` },
);

export const adjustCreditsAction = formAction(
  ZAdjustForm,
  async (input, admin) => {
    const res = await adjustCredits(input.org_id, {
      amount: input.amount,
      reason: input.reason,
      bucketId: input.bucket_id,
      idempotencyKey: input.idempotency_key,
      actor: `user:${admin.id}`,
    });
    revalidatePath(page(input.org_id));
    return { amount: res.body.amount, balance: res.body.balance_after };
  },
  {
    auth: "admin",
    message: (d) => `Adjusted by ${formatInteger(d.amount)}; the balance is now ${formatCredits(d.balance)}.`,
  },
);

export const recordPurchaseAction = formAction(
  ZPurchaseForm,
  async (input, admin) => {
    const res = await grantPurchasedCredits(input.org_id, {
      creditProductId: input.credit_product_id,
      paymentId: input.payment_id,
      actor: `user:${admin.id}`,
    });
    revalidatePath(page(input.org_id));
    return { created: res.created, credits: res.grant.amount };
  },
  {
    auth: "admin",
    message: (d) =>
      d.created
        ? `Granted ${formatInteger(d.credits)} purchased credits.`
        : "This payment was already granted: nothing changed.",
  },
);

export const updateCreditSettingsAction = formAction(
  ZSettingsForm,
  async (input) => {
    await updateCreditSettings(input.org_id, {
      precedence: input.precedence,
      allowOverage: input.allow_overage,
      overagePricePerCredit: input.overage_price_per_credit,
      lowBalanceThreshold: input.low_balance_threshold,
    });
    revalidatePath(page(input.org_id));
    return { ok: true };
  },
  { auth: "admin", message: () => "Settings saved." },
);

export const saveAutoTopUpForCustomerAction = formAction(
  ZAutoTopUpForm,
  async (input, admin) => {
    if (!input.org_id) throw invalidField("org_id", "name the customer");
    const view = await setAutoTopUp(
      input.org_id,
      {
        enabled: input.enabled,
        thresholdCredits: input.threshold_credits,
        creditProductId: input.credit_product_id,
        maxPerMonth: input.max_per_month,
      },
      `user:${admin.id}`,
    );
    revalidatePath(page(input.org_id));
    return { enabled: view.settings?.enabled ?? false };
  },
  { auth: "admin", message: (d) => (d.enabled ? "Automatic top-up is on." : "Automatic top-up is off.") },
);

export const saveSpendingCapForCustomerAction = formAction(
  ZSpendingCapForm,
  async (input, admin) => {
    if (!input.org_id) throw invalidField("org_id", "name the customer");
    const amount = capAmountFromForm(input.amount, input.currency);
    if ("error" in amount) throw invalidField("amount", amount.error);
    const state = await setSpendingCap(
      input.org_id,
      { amountCents: amount.cents, mode: input.mode },
      `user:${admin.id}`,
    );
    revalidatePath(page(input.org_id));
    return { enabled: state !== null };
  },
  { auth: "admin", message: (d) => (d.enabled ? "Spending cap saved." : "Spending cap removed.") },
);
