// A Tally customer paying through Stripe, with one Stripe invoice mirrored into Tally (as its
// invoice.* webhook would mirror it): the setup the credit-note tests share.
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { invoiceLines, organizations } from "@/lib/db/schema";
import { upsertStripeInvoice } from "@/lib/invoices/mirror";
import { retrieveInvoice } from "@/lib/stripe/billing";
import { makeOrg, uid } from "./fixtures";
import type { StripeServer } from "./stripe-server";

/** Stripe's current state of the invoice mirrored into the customer's invoices. */
export async function mirrorStripeInvoice(orgId: string, stripeInvoiceId: string) {
  const state = (await retrieveInvoice(stripeInvoiceId))!;
  return db.transaction((tx) => upsertStripeInvoice(tx, orgId, state, new Date()));
}

/** A new Tally customer linked to a new Stripe customer, and a Stripe invoice of one line of `amount` (paid and charged, or open; under `taxRates`), mirrored. */
export async function mirroredStripeInvoice(
  stripe: StripeServer,
  opts: { status?: "paid" | "open"; amount: number; taxRates?: string[] },
) {
  const status = opts.status ?? "paid";
  const org = await makeOrg();
  const customer = stripe.put({ id: `cus_${uid()}`, object: "customer", balance: 0, metadata: {} });
  const customerId = customer.id as string;
  await db.update(organizations).set({ stripeCustomerId: customerId }).where(eq(organizations.id, org.id));
  const draft = stripe.createInvoice({ customer: customerId, status, amount: opts.amount, taxRates: opts.taxRates });
  const charge = stripe.createCharge({ amount: Number(draft.total), customer: customerId });
  const inv = stripe.put({ ...draft, charge: status === "paid" ? charge.id : null });
  const stripeInvoiceId = inv.id as string;
  const row = (await mirrorStripeInvoice(org.id, stripeInvoiceId))!;
  const [line] = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, row.id));
  const stripeLine = (stripe.objects.get(stripeInvoiceId)!.lines as { data: { id: string }[] }).data[0]!.id;
  return { org, row, line: line!, customerId, chargeId: charge.id as string, stripeInvoiceId, stripeLine };
}
