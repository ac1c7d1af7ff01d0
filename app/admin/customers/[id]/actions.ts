"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import { recordOfflinePayment } from "@/lib/payments/offline-payment";
import { ZMarkInvoicePaid } from "@/lib/payments/schemas";

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
