"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formatDate } from "@/lib/format";
import { formAction } from "@/lib/http/action";
import { formatMoney } from "@/lib/format";
import {
  cancelAtPeriodEnd,
  cancelNow,
  changePlan,
  previewPlanChange,
  resumeSubscription,
} from "@/lib/payments/lifecycle";
import { recordOfflinePayment } from "@/lib/payments/offline-payment";
import { applyCouponToCustomer, removeSubscriptionDiscount } from "@/lib/coupons/redeem";
import { ZMarkInvoicePaid } from "@/lib/payments/schemas";
import { invalidField } from "@/lib/http/errors";
import { updateBillingDetails } from "@/lib/invoices/billing-details";
import { ZBillingDetailsForm } from "@/lib/invoices/party-schemas";
import { ZVoidCreditNote, ZVoidInvoice } from "@/lib/invoices/credit-note-schemas";
import { issueCreditNoteFromForm, ZCreditNoteForm } from "@/lib/invoices/credit-note-form";
import { voidInvoice } from "@/lib/invoices/void-invoice";
import { voidCreditNote } from "@/lib/invoices/void-credit-note";

const ZMarkPaidForm = ZMarkInvoicePaid.omit({ paid_at: true }).extend({
  invoice_id: z.string().min(1, "choose the invoice"),
});

/** Invoice billing: the admin records an open invoice paid (how, and its reference); its credits or plan follow. */
export const markInvoicePaidAction = formAction(
  ZMarkPaidForm,
  async (input, admin) => {
    const r = await recordOfflinePayment(
      input.invoice_id,
      { method: input.method, reference: input.reference },
      `user:${admin.id}`,
    );
    revalidatePath(`/admin/customers/${r.invoice.orgId}`);
    return { number: r.invoice.number, alreadyPaid: r.alreadyPaid };
  },
  {
    auth: "admin",
    message: (d) =>
      d.alreadyPaid
        ? `Invoice ${d.number} was already paid: nothing changed.`
        : `Invoice ${d.number} marked paid; what it sold is granted.`,
  },
);

const customerPage = (orgId: string) => `/admin/customers/${orgId}`;
const ZPlanChangeForm = z.object({
  org_id: z.string().min(1),
  plan_id: z.string().min(1, "choose the plan"),
});

/** What moving the customer to this plan does (direction, when, the prorated charge), changing nothing. */
export const previewCustomerPlanChangeAction = formAction(
  ZPlanChangeForm,
  async (input) => previewPlanChange(input.org_id, input.plan_id),
  { auth: "admin" },
);

/** The customer's change of plan, made by the admin: the same step as POST /api/v1/billing/subscription/change-plan. */
export const changeCustomerPlanAction = formAction(
  ZPlanChangeForm,
  async (input, admin) => {
    const r = await changePlan(input.org_id, input.plan_id, `user:${admin.id}`);
    revalidatePath(customerPage(input.org_id));
    return r;
  },
  {
    auth: "admin",
    message: (r) =>
      r.effective === "now"
        ? `The customer is now on ${r.new_plan.name}${r.amount_due_now_cents > 0 ? `; ${formatMoney(r.amount_due_now_cents, r.currency)} was charged for the rest of the period` : ""}.`
        : `${r.new_plan.name} starts on ${formatDate(r.effective_at)}, when the current period ends.`,
  },
);

/** Cancel at period end, cancel now, or resume: the steps of POST /api/v1/billing/subscription/cancel and /resume. */
export const setCustomerCancelAction = formAction(
  z.object({ org_id: z.string().min(1), when: z.enum(["period_end", "now", "resume"]) }),
  async (input, admin) => {
    const actor = `user:${admin.id}`;
    const s =
      input.when === "now"
        ? await cancelNow(input.org_id, actor)
        : input.when === "period_end"
          ? await cancelAtPeriodEnd(input.org_id, actor)
          : await resumeSubscription(input.org_id, actor);
    revalidatePath(customerPage(input.org_id));
    return { when: input.when, periodEnd: s.currentPeriodEnd.toISOString() };
  },
  {
    auth: "admin",
    message: ({ when, periodEnd }) =>
      when === "now"
        ? "The subscription has ended; the usage of the period so far is billed on a final invoice."
        : when === "period_end"
          ? `The subscription ends on ${formatDate(periodEnd)}.`
          : "The subscription continues.",
  },
);

/** An operator applies a coupon to the customer's current subscription (from its next unbilled fee). */
export const applyCouponAction = formAction(
  z.object({ org_id: z.string().min(1), coupon_id: z.string().min(1, "choose the coupon") }),
  async (input, admin) => {
    const { discount } = await applyCouponToCustomer(input.org_id, input.coupon_id, `user:${admin.id}`);
    revalidatePath(customerPage(input.org_id));
    return { startsAt: discount.startsAt.toISOString() };
  },
  { auth: "admin", message: (d) => `Coupon applied; it reduces invoices from ${formatDate(d.startsAt)}.` },
);

/** The operator sets a customer's billing details (the buyer its invoices name). */
export const saveCustomerBillingDetailsAction = formAction(
  ZBillingDetailsForm,
  async ({ org_id, details }) => {
    if (!org_id) throw invalidField("org_id", "name the customer");
    const saved = await updateBillingDetails(org_id, details);
    revalidatePath(customerPage(org_id));
    return saved;
  },
  { auth: "admin", message: () => "Saved. Invoices issued from now on show these details." },
);

/** An operator removes the customer's discount: invoices issued from now on are full price. */
export const removeDiscountAction = formAction(
  z.object({ org_id: z.string().min(1), subscription_id: z.string().min(1) }),
  async (input, admin) => {
    const r = await removeSubscriptionDiscount(input.subscription_id, `user:${admin.id}`, new Date(), input.org_id);
    revalidatePath(customerPage(input.org_id));
    return { removed: r.removed };
  },
  {
    auth: "admin",
    message: (d) => (d.removed ? "Discount removed; invoices from now on are full price." : "There was no discount."),
  },
);

const ZVoidForm = ZVoidInvoice.extend({ invoice_id: z.string().min(1, "choose the invoice") });

/** Voids an open invoice with the admin's reason: the same step as POST /api/v1/invoices/{id}/void. */
export const voidInvoiceAction = formAction(
  ZVoidForm,
  async (input, admin) => {
    const r = await voidInvoice(input.invoice_id, input.reason, `user:${admin.id}`);
    revalidatePath(customerPage(r.invoice.orgId));
    return { number: r.invoice.number, alreadyVoid: r.alreadyVoid };
  },
  {
    auth: "admin",
    message: (d) =>
      d.alreadyVoid ? `Invoice ${d.number} was already void: nothing changed.` : `Invoice ${d.number} is void.`,
  },
);

const ZVoidNoteForm = ZVoidCreditNote.extend({ credit_note_id: z.string().min(1, "choose the credit note") });

/** Voids a credit note issued by mistake, with the admin's reason: the same step as POST /api/v1/credit-notes/{id}/void. */
export const voidCreditNoteAction = formAction(
  ZVoidNoteForm,
  async (input, admin) => {
    const r = await voidCreditNote(input.credit_note_id, input.reason, `user:${admin.id}`);
    revalidatePath(customerPage(r.note.orgId));
    return { number: r.note.number, alreadyVoid: r.alreadyVoid };
  },
  {
    auth: "admin",
    message: (d) =>
      d.alreadyVoid
        ? `Credit note ${d.number} was already void: nothing changed.`
        : `Credit note ${d.number} is void: its amount can be credited again.`,
  },
);

/** A credit note from the admin's form (one line, or a free amount): the same step as POST /api/v1/invoices/{id}/credit-notes, under the same key. */
export const issueCreditNoteAction = formAction(
  ZCreditNoteForm,
  async (input, admin) => {
    const r = await issueCreditNoteFromForm(input, `user:${admin.id}`);
    revalidatePath(customerPage(r.orgId));
    return r;
  },
  { auth: "admin", message: (d) => `Credit note ${d.number} issued for ${d.amount}.` },
);
