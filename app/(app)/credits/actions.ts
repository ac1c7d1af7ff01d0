"use server";
import { revalidatePath } from "next/cache";
import { setAutoTopUp } from "@/lib/credits/auto-top-up";
import { ZAutoTopUpForm } from "@/lib/credits/auto-top-up-schemas";
import { formAction } from "@/lib/http/action";
import { invalidField } from "@/lib/http/errors";
import { setSpendingCap } from "@/lib/billing/spending-cap";
import { capAmountFromForm, ZSpendingCapForm } from "@/lib/billing/spending-cap-schemas";

export const saveAutoTopUpAction = formAction(
  ZAutoTopUpForm,
  async (input, owner) => {
    const view = await setAutoTopUp(
      owner.orgId,
      {
        enabled: input.enabled,
        thresholdCredits: input.threshold_credits,
        creditProductId: input.credit_product_id,
        maxPerMonth: input.max_per_month,
      },
      `user:${owner.id}`,
    );
    revalidatePath("/credits");
    return { enabled: view.settings?.enabled ?? false };
  },
  { auth: "owner", message: (d) => (d.enabled ? "Automatic top-up is on." : "Automatic top-up is off.") },
);

export const saveSpendingCapAction = formAction(
  ZSpendingCapForm,
  async (input, owner) => {
    const amount = capAmountFromForm(input.amount, input.currency);
    if ("error" in amount) throw invalidField("amount", amount.error);
    const state = await setSpendingCap(
      owner.orgId,
      { amountCents: amount.cents, mode: input.mode },
      `user:${owner.id}`,
    );
    revalidatePath("/credits");
    return { enabled: state !== null };
  },
  { auth: "owner", message: (d) => (d.enabled ? "Spending cap saved." : "Spending cap removed.") },
);
