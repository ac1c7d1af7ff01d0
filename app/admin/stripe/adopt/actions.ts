"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import { adoptStripeAccount } from "@/lib/payments/adopt-stripe";
import type { AdoptRequest } from "@/lib/payments/adopt-stripe-schemas";

/**
 * The preview's form: `adopt.<cus_…>` for each customer to adopt, with its target — "auto" (the
 * match shown), "create" (a new Tally customer) or a Tally customer's id. Rows left empty are skipped.
 */
const ZAdoptForm = z.record(z.string(), z.string());

export const adoptFromStripeAction = formAction(
  ZAdoptForm,
  async (form, admin) => {
    const customers: NonNullable<AdoptRequest["customers"]> = [];
    for (const [field, target] of Object.entries(form)) {
      const m = /^adopt\.(cus_[A-Za-z0-9_]+)$/.exec(field);
      if (!m || !target) continue;
      customers.push({
        stripe_customer_id: m[1]!,
        ...(target === "create" ? { create: true as const } : target !== "auto" ? { customer_id: target } : {}),
      });
    }
    if (customers.length === 0) return null;
    const report = await adoptStripeAccount({ dry_run: false, customers }, `user:${admin.id}`);
    revalidatePath("/admin/stripe/adopt");
    return report.totals;
  },
  {
    auth: "admin",
    message: (t) =>
      t === null
        ? "Nothing to adopt: choose a Tally customer (or a new one) for the customers you want to adopt."
        : `Adopted ${t.adopted} customer${t.adopted === 1 ? "" : "s"} and mirrored ${t.invoices_mirrored} invoice${t.invoices_mirrored === 1 ? "" : "s"}${
            t.conflict + t.blocked + t.unmatched
              ? `; ${t.conflict} in conflict, ${t.blocked} blocked and ${t.unmatched} unmatched were left as they are`
              : ""
          }.`,
  },
);
