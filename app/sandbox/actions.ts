"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { formAction } from "@/lib/http/action";
import { cancelLocalCheckout, payLocalCheckout } from "@/lib/payments/local-checkout";
import { retryOpenInvoices } from "@/lib/payments/local-billing";
import {
  addSandboxCard,
  detachPaymentMethod,
  parseCardExpiry,
  setDefaultPaymentMethod,
} from "@/lib/payments/payment-methods";
import { AppError } from "@/lib/http/errors";
import { requireSandbox } from "@/lib/payments/provider";

export const paySandboxCheckout = formAction(
  z.object({
    session: z.string().min(1),
    card_number: z.string().trim().min(1, "Enter a card number."),
    expiry: z.string().trim().min(1, "Enter the card's expiry, e.g. 12 / 30."),
  }),
  async ({ session, card_number, expiry }, owner) => {
    requireSandbox();
    const r = await payLocalCheckout(
      owner.orgId,
      session,
      { cardNumber: card_number, expiry: parseCardExpiry(expiry) },
      `user:${owner.id}`,
    );
    // A refused payment is the form's outcome, not a typo in a field: it shows above the form and takes focus.
    if (!r.ok) throw new AppError("payment_failed", r.message);
    redirect(r.kind === "credits" ? "/credits?purchase=success" : "/billing?checkout=success");
  },
  { auth: "owner" },
);

export const cancelSandboxCheckout = formAction(
  z.object({ session: z.string().min(1) }),
  async ({ session }, owner) => {
    requireSandbox();
    await cancelLocalCheckout(owner.orgId, session);
    redirect("/billing?checkout=canceled");
  },
  { auth: "owner" },
);

export const addSandboxCardAction = formAction(
  z.object({
    card_number: z.string().trim().min(1, "Enter a card number."),
    expiry: z.string().trim().min(1, "Enter the card's expiry, e.g. 12 / 30."),
  }),
  async ({ card_number, expiry }, owner) => {
    requireSandbox();
    const exp = parseCardExpiry(expiry);
    // A new card pays whatever is overdue at once, as Stripe's portal does.
    const result = await db.transaction(async (tx) => {
      await addSandboxCard(tx, owner.orgId, { number: card_number, ...exp });
      return retryOpenInvoices(tx, owner.orgId);
    });
    revalidatePath("/sandbox/portal");
    return result;
  },
  {
    auth: "owner",
    message: (r) =>
      r.paid
        ? `Card added; ${r.paid} open invoice${r.paid === 1 ? "" : "s"} paid.`
        : r.failed
          ? "Card added, but it was declined for the open invoice."
          : "Card added.",
  },
);

export const defaultCardAction = formAction(
  z.object({ id: z.string().min(1) }),
  async ({ id }, owner) => {
    requireSandbox();
    await setDefaultPaymentMethod(owner.orgId, id);
    revalidatePath("/sandbox/portal");
    return {};
  },
  { auth: "owner" },
);

export const removeCardAction = formAction(
  z.object({ id: z.string().min(1) }),
  async ({ id }, owner) => {
    requireSandbox();
    await detachPaymentMethod(owner.orgId, id);
    revalidatePath("/sandbox/portal");
    return {};
  },
  { auth: "owner" },
);
